import { createReadStream } from "node:fs";
import { access, constants } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export type BarFileFormat = "csv" | "jsonl";

/** The CSV columns a bar file must have (in any order; other columns are kept but unused). */
const barCsvColumns = ["symbol", "time", "open", "high", "low", "close", "volume"] as const;

/** One row of a bar file, not yet validated. */
export type BarFileRow =
  /** A CSV record (column -> text) or a JSON Lines value, for `BarGuard`. */
  | { readonly line: number; readonly kind: "record"; readonly value: unknown }
  /** A line that cannot even be read as a record: not JSON, or the wrong number of CSV fields. */
  | { readonly line: number; readonly kind: "unreadable"; readonly text: string; readonly detail: string };

export interface BarFile {
  readonly name: string;
  readonly format: BarFileFormat;
  /** Rows in file order, read as a stream: memory does not grow with the file. */
  readonly rows: AsyncIterable<BarFileRow>;
  /** Stops reading and releases the file (also done when `rows` is exhausted or abandoned). */
  close(): void;
}

export class BarFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "BarFileError";
  }
}

/** `.csv`, `.jsonl` or `.ndjson`, each optionally gzipped (`.csv.gz`). */
export function barFileFormat(path: string): BarFileFormat {
  const name = basename(path).toLowerCase().replace(/\.gz$/, "");
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return "jsonl";
  throw new BarFileError(path, "unknown format: the name must end in .csv, .jsonl or .ndjson (optionally .gz)");
}

/**
 * Opens a bar file for streaming. Problems that make the whole file unusable (missing, unknown
 * format, a CSV header without the required columns) throw here, before any row is read; a bad
 * row only becomes an `unreadable` row or fails validation later.
 */
export async function openBarFile(path: string): Promise<BarFile> {
  const format = barFileFormat(path);
  await access(path, constants.R_OK).catch((error: unknown) => {
    throw new BarFileError(path, error instanceof Error ? error.message : "cannot be read");
  });
  const file = createReadStream(path);
  const input: Readable = path.toLowerCase().endsWith(".gz") ? file.pipe(createGunzip()) : file;
  // pipe() does not forward the file's errors; readline surfaces the decompressor's to the iterator.
  if (input !== file) file.on("error", (error) => input.destroy(error));
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const lines = reader[Symbol.asyncIterator]();
  const close = () => {
    reader.close();
    input.destroy();
    file.destroy();
  };

  let lineNumber = 0;
  let header: string[] | undefined;
  try {
    if (format === "csv") {
      for (;;) {
        const next = await lines.next();
        if (next.done) throw new BarFileError(path, "empty: a CSV bar file starts with a header line");
        lineNumber++;
        const text = next.value.replace(/^\uFEFF/, "").trim();
        if (text === "") continue;
        header = text.split(",").map((column) => column.trim().toLowerCase());
        break;
      }
      const missing = barCsvColumns.filter((column) => !header?.includes(column));
      if (missing.length > 0) {
        throw new BarFileError(path, `the header lacks ${missing.join(", ")} (expected ${barCsvColumns.join(",")})`);
      }
    }
  } catch (error) {
    close();
    throw error;
  }

  async function* rows(): AsyncGenerator<BarFileRow> {
    try {
      for (;;) {
        const next = await lines.next();
        if (next.done) return;
        lineNumber++;
        const text = next.value.trim();
        if (text === "") continue;
        yield header ? csvRow(header, text, lineNumber) : jsonRow(text, lineNumber);
      }
    } finally {
      close();
    }
  }

  return { name: basename(path), format, rows: rows(), close };
}

function csvRow(header: readonly string[], text: string, line: number): BarFileRow {
  // No quoting: nothing in a bar (ticker, ISO time, numbers) contains a comma.
  const fields = text.split(",").map((field) => field.trim());
  if (fields.length !== header.length) {
    return { line, kind: "unreadable", text, detail: `expected ${header.length} fields, found ${fields.length}` };
  }
  return { line, kind: "record", value: Object.fromEntries(header.map((column, i) => [column, fields[i] ?? ""])) };
}

function jsonRow(text: string, line: number): BarFileRow {
  try {
    return { line, kind: "record", value: JSON.parse(text) as unknown };
  } catch (error) {
    return { line, kind: "unreadable", text, detail: error instanceof Error ? error.message : "not JSON" };
  }
}
