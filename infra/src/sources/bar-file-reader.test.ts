import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BarFileError, type BarFileRow, barFileFormat, openBarFile } from "./bar-file-reader";

let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "bar-files-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string): Promise<BarFileRow[]> {
  const opened = await openBarFile(path);
  const rows: BarFileRow[] = [];
  for await (const row of opened.rows) rows.push(row);
  return rows;
}

describe("bar files", () => {
  it("tell their format by name, gzipped or not", () => {
    expect(barFileFormat("/x/bars.csv")).toBe("csv");
    expect(barFileFormat("/x/BARS.CSV.GZ")).toBe("csv");
    expect(barFileFormat("bars.jsonl")).toBe("jsonl");
    expect(barFileFormat("bars.ndjson.gz")).toBe("jsonl");
    expect(() => barFileFormat("bars.txt")).toThrow(BarFileError);
  });

  it("read CSV records by header name, in any column order, with a BOM, CRLF and blank lines", async () => {
    const path = await file(
      "order.csv",
      "\uFEFFVolume, time,symbol,open,high,low,close,venue\r\n\r\n10,2026-01-05T14:30:00Z,QXAB,1,2,0.5,1.5,X\r\n11,1767623460000,QXAB,1,2,0.5,1.5\r\n",
    );
    expect(await readAll(path)).toEqual([
      {
        line: 3,
        kind: "record",
        value: {
          volume: "10",
          time: "2026-01-05T14:30:00Z",
          symbol: "QXAB",
          open: "1",
          high: "2",
          low: "0.5",
          close: "1.5",
          venue: "X",
        },
      },
      { line: 4, kind: "unreadable", text: "11,1767623460000,QXAB,1,2,0.5,1.5", detail: "expected 8 fields, found 7" },
    ]);
  });

  it("read JSON Lines values, with the lines that are not JSON marked unreadable", async () => {
    const path = await file("rows.jsonl", '{"symbol":"QXAB","time":1}\n\nnot json\n[1]\n');
    const rows = await readAll(path);
    expect(rows.map((row) => [row.line, row.kind])).toEqual([
      [1, "record"],
      [3, "unreadable"],
      [4, "record"],
    ]);
    expect(rows[0]).toEqual({ line: 1, kind: "record", value: { symbol: "QXAB", time: 1 } });
  });

  it("read gzipped files", async () => {
    const path = await file("rows.csv.gz", gzipSync("symbol,time,open,high,low,close,volume\nQXAB,1,1,1,1,1,1\n"));
    expect((await readAll(path)).map((row) => row.kind)).toEqual(["record"]);
  });

  it("refuse, before reading rows, a missing file, an empty CSV and a header without the required columns", async () => {
    await expect(openBarFile(join(folder, "missing.csv"))).rejects.toThrow(BarFileError);
    await expect(openBarFile(await file("empty.csv", "\n\n"))).rejects.toThrow(/header/);
    await expect(openBarFile(await file("columns.csv", "symbol,time,price\nQXAB,1,2\n"))).rejects.toThrow(
      /lacks open, high, low, close, volume/,
    );
  });

  it("surface a corrupt gzip stream: from the header of a CSV, from the rows of JSON Lines", async () => {
    await expect(openBarFile(await file("corrupt.csv.gz", "definitely not gzip"))).rejects.toThrow(/header check/);
    const opened = await openBarFile(await file("corrupt.jsonl.gz", "definitely not gzip"));
    await expect(async () => {
      for await (const row of opened.rows) expect(row).toBeUndefined();
    }).rejects.toThrow(/header check/);
  });

  it("read a large file row by row, and stop early when the reader does", async () => {
    const header = "symbol,time,open,high,low,close,volume\n";
    const row = "QXAB,2026-01-05T14:30:00Z,100.0001,100.0002,99.9999,100.0000,123456\n";
    const path = await file("large.csv", header + row.repeat(400_000));
    const opened = await openBarFile(path);
    let count = 0;
    for await (const _ of opened.rows) {
      count++;
      if (count === 1_000) break;
    }
    expect(count).toBe(1_000);
    let total = 0;
    for await (const _ of (await openBarFile(path)).rows) total++;
    expect(total).toBe(400_000);
  });
});
