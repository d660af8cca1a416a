import { appendFile, copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger, SpillEntry } from "@tradeops/core";
import { describeEventSpillContract } from "@tradeops/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { FsEventSpill } from "./fs-event-spill";

async function tempDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), "tradeops-spill-"));
}

for (const layout of [
  { label: "default segments", segmentBytes: undefined, readChunkBytes: undefined },
  // Tiny segments and reads: every append opens a segment, every line outgrows a read.
  { label: "tiny segments and reads", segmentBytes: 512, readChunkBytes: 128 },
]) {
  describeEventSpillContract(
    `FsEventSpill (${layout.label})`,
    async () => {
      const parent = await tempDirectory();
      // A folder inside the temp folder, so creating it on first use is exercised.
      const directory = join(parent, "overflow");
      const make = () => new FsEventSpill({ directory, ...layout });
      return {
        spill: make(),
        reopen: async () => make(),
        cleanup: () => rm(parent, { recursive: true, force: true }),
      };
    },
    { durable: true },
  );
}

function entry(n: number): SpillEntry {
  return {
    topic: "trading.decisions.v1",
    key: `AAPL-${n % 3}`,
    payload: { n, text: `decision ${n}` },
    headers: { n: String(n) },
    timestamp: 1_700_000_000_000 + n,
  };
}

function entries(from: number, count: number): SpillEntry[] {
  return Array.from({ length: count }, (_, i) => entry(from + i));
}

/** A logger that keeps what was logged at warn and error, to check damage is reported. */
function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const record = (fields: Record<string, unknown> | string, message?: string) => {
    lines.push(typeof fields === "string" ? fields : (message ?? ""));
  };
  const logger: Logger & { readonly lines: string[] } = {
    lines,
    debug: () => {},
    info: () => {},
    warn: record,
    error: record,
    child: () => logger,
  };
  return logger;
}

describe("FsEventSpill", () => {
  const directories: string[] = [];

  afterEach(async () => {
    await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
  });

  async function setUp(): Promise<string> {
    const directory = await tempDirectory();
    directories.push(directory);
    return directory;
  }

  const sequences = async (spill: FsEventSpill) => (await spill.readBatch(1_000_000)).map((r) => r.sequence);
  const segmentFiles = async (directory: string) =>
    (await readdir(directory)).filter((name) => name.startsWith("segment-")).sort();

  it("writes one JSON line per record to a segment named by its first sequence", async () => {
    const directory = await setUp();
    const spill = new FsEventSpill({ directory });
    await spill.append(entries(0, 2));
    expect(await readdir(directory)).toEqual(["segment-0000000000000000.jsonl"]);
    const lines = (await readFile(join(directory, "segment-0000000000000000.jsonl"), "utf8")).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(JSON.parse(lines[1] ?? "")).toEqual({ sequence: 1, ...entry(1) });
  });

  it("starts a new segment past the size limit and deletes segments once fully acknowledged", async () => {
    const directory = await setUp();
    // Each line is about 140 bytes, so one append of two records takes a segment past 200 bytes.
    const spill = new FsEventSpill({ directory, segmentBytes: 200 });
    for (let i = 0; i < 8; i += 2) await spill.append(entries(i, 2));
    expect(await segmentFiles(directory)).toEqual([
      "segment-0000000000000000.jsonl",
      "segment-0000000000000002.jsonl",
      "segment-0000000000000004.jsonl",
      "segment-0000000000000006.jsonl",
    ]);
    await spill.acknowledge(3);
    expect(await segmentFiles(directory)).toEqual([
      "segment-0000000000000002.jsonl",
      "segment-0000000000000004.jsonl",
      "segment-0000000000000006.jsonl",
    ]);
    await spill.acknowledge(1);
    expect(await segmentFiles(directory)).toEqual(["segment-0000000000000004.jsonl", "segment-0000000000000006.jsonl"]);
    expect(JSON.parse(await readFile(join(directory, "index.json"), "utf8"))).toEqual({
      format: 1,
      acknowledgedBefore: 4,
    });
    await spill.acknowledge(4);
    expect(await readdir(directory)).toEqual(["index.json"]);
    await spill.append(entries(8, 1));
    expect(await segmentFiles(directory)).toEqual(["segment-0000000000000008.jsonl"]);
  });

  it("ignores a torn last line left by a crash, and appends after the last complete line", async () => {
    const directory = await setUp();
    const logger = recordingLogger();
    await new FsEventSpill({ directory }).append(entries(0, 3));
    const segment = join(directory, "segment-0000000000000000.jsonl");
    const intact = (await stat(segment)).size;
    await appendFile(segment, '{"sequence":3,"topic":"trading.decisions.v1","key":"AA');

    const reopened = new FsEventSpill({ directory, logger });
    expect(await reopened.size()).toBe(3);
    expect(await sequences(reopened)).toEqual([0, 1, 2]);
    expect(logger.lines.some((line) => line.includes("torn last line"))).toBe(true);
    expect((await stat(segment)).size).toBe(intact);

    await reopened.append(entries(3, 1));
    const again = new FsEventSpill({ directory });
    expect(await sequences(again)).toEqual([0, 1, 2, 3]);
    expect((await again.readBatch(4))[3]).toEqual({ sequence: 3, ...entry(3) });
  });

  it("ignores a tail of zero bytes (file size extended, data never written) and a torn first line", async () => {
    const directory = await setUp();
    await writeFile(join(directory, "segment-0000000000000000.jsonl"), Buffer.alloc(64));
    const spill = new FsEventSpill({ directory });
    expect(await spill.size()).toBe(0);
    expect(await spill.readBatch(10)).toEqual([]);
    await spill.append(entries(0, 2));
    expect(await sequences(new FsEventSpill({ directory }))).toEqual([0, 1]);
  });

  it("skips a damaged line in the middle, reports it, and still acknowledges across it", async () => {
    const directory = await setUp();
    const logger = recordingLogger();
    await new FsEventSpill({ directory }).append(entries(0, 5));
    const segment = join(directory, "segment-0000000000000000.jsonl");
    const lines = (await readFile(segment, "utf8")).split("\n");
    lines[2] = '{"sequence":2,"topic":"trading.decisions.v1","key":"x","timestamp":"not a number"}';
    lines[3] = "\u0000\u0000garbage";
    await writeFile(segment, lines.join("\n"));

    const spill = new FsEventSpill({ directory, logger });
    expect(await spill.size()).toBe(3);
    expect(await sequences(spill)).toEqual([0, 1, 4]);
    expect(logger.lines.filter((line) => line.includes("damaged")).length).toBeGreaterThanOrEqual(2);
    await spill.acknowledge(2);
    expect(await sequences(spill)).toEqual([4]);
    expect(await sequences(new FsEventSpill({ directory }))).toEqual([4]);
  });

  it("skips a line whose sequence does not follow the one before (a duplicated line)", async () => {
    const directory = await setUp();
    const logger = recordingLogger();
    await new FsEventSpill({ directory }).append(entries(0, 3));
    const segment = join(directory, "segment-0000000000000000.jsonl");
    const lines = (await readFile(segment, "utf8")).split("\n");
    await writeFile(segment, [lines[0], lines[1], lines[1], lines[2], ""].join("\n"));

    const spill = new FsEventSpill({ directory, logger });
    expect(await spill.size()).toBe(3);
    expect(await sequences(spill)).toEqual([0, 1, 2]);
    expect(logger.lines.some((line) => line.includes("out of sequence"))).toBe(true);
  });

  it("replays everything still on disk when the index is unreadable, rather than losing events", async () => {
    const directory = await setUp();
    const logger = recordingLogger();
    const spill = new FsEventSpill({ directory });
    await spill.append(entries(0, 4));
    await spill.acknowledge(1);
    await writeFile(join(directory, "index.json"), "{not json");
    const reopened = new FsEventSpill({ directory, logger });
    expect(await sequences(reopened)).toEqual([0, 1, 2, 3]);
    expect(logger.lines.some((line) => line.includes("index is unreadable"))).toBe(true);
  });

  it("ignores a half-written index update and deletes acknowledged segments a crash left behind", async () => {
    const directory = await setUp();
    const spill = new FsEventSpill({ directory, segmentBytes: 100 });
    await spill.append(entries(0, 1));
    await spill.append(entries(1, 1));
    const first = join(directory, "segment-0000000000000000.jsonl");
    const saved = join(directory, "saved");
    await copyFile(first, saved);
    await spill.acknowledge(1);
    // As if the process died after renaming the new index, before deleting the segment, while
    // writing the next index.
    await copyFile(saved, first);
    await rm(saved);
    await writeFile(join(directory, "index.json.tmp"), '{"format":1,"acknowle');

    const reopened = new FsEventSpill({ directory });
    expect(await sequences(reopened)).toEqual([1]);
    expect((await readdir(directory)).sort()).toEqual(["index.json", "segment-0000000000000001.jsonl"]);
  });

  it("validates a whole batch before writing any of it", async () => {
    const directory = await setUp();
    const spill = new FsEventSpill({ directory });
    await spill.append(entries(0, 2));
    const segment = join(directory, "segment-0000000000000000.jsonl");
    const before = await readFile(segment);
    await expect(spill.append([entry(2), { ...entry(3), payload: undefined }])).rejects.toThrow();
    expect(await readFile(segment)).toEqual(before);
    await spill.append(entries(2, 1));
    expect(await sequences(new FsEventSpill({ directory }))).toEqual([0, 1, 2]);
  });
});
