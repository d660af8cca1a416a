import { type FileHandle, mkdir, open, readdir, readFile, rename, truncate, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  assertSpillAcknowledgeCount,
  assertSpillBatchSize,
  type EventSpill,
  type Logger,
  type SpillEntry,
  type SpilledRecord,
  silentLogger,
  spillEntrySchema,
  spilledRecordSchema,
} from "@tradeops/core";
import { z } from "zod";

export interface FsEventSpillOptions {
  /** The folder holding the spill (the spec's `/var/log/forensics/overflow/`); created on first use. */
  readonly directory: string;
  /** A new segment file starts once the current one has reached this many bytes. Default 16 MiB. */
  readonly segmentBytes?: number;
  /** Bytes read per disk read; a longer line is read whole anyway. Default 1 MiB. */
  readonly readChunkBytes?: number;
  readonly logger?: Logger;
}

const indexSchema = z.object({
  format: z.literal(1),
  /** Every record with a lower sequence is acknowledged. */
  acknowledgedBefore: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

const indexFile = "index.json";
const indexTempFile = "index.json.tmp";
const segmentFilePattern = /^segment-(\d{16})\.jsonl$/;
const newline = 0x0a;

interface Segment {
  readonly name: string;
  readonly path: string;
  readonly firstSequence: number;
  /** Bytes of complete lines; always ends just after a newline. */
  bytes: number;
}

interface Position {
  readonly segment: Segment;
  readonly offset: number;
}

interface Located {
  readonly record: SpilledRecord;
  /** Just after the record's line. */
  readonly end: Position;
}

/**
 * The on-disk EventSpill: a folder of append-only segment files of JSON lines, one record per
 * line, plus `index.json` saying up to which sequence everything is acknowledged.
 *
 * - `append` writes its lines with one write and one fdatasync, to the last segment, or to a new
 *   `segment-<first sequence, 16 digits>.jsonl` once the last one reached `segmentBytes` (the
 *   folder is fsynced after a segment is created). A failed write is truncated away.
 * - `acknowledge` rewrites the index atomically (temporary file, fsync, rename, folder fsync),
 *   then deletes the segments that hold nothing unacknowledged. A crash in between leaves
 *   segments the next open deletes.
 * - Opening repairs a crash: bytes after a segment's last newline are a torn line from an
 *   interrupted write (its append never resolved), so they are logged and truncated; a line
 *   that does not parse as a record is logged and skipped, never thrown. A missing index means
 *   nothing was acknowledged; an unreadable one is logged and treated the same (events are
 *   replayed, not lost).
 *
 * One instance in one process owns a folder: give each process its own.
 */
export class FsEventSpill implements EventSpill {
  readonly #directory: string;
  readonly #segmentBytes: number;
  readonly #readChunkBytes: number;
  readonly #logger: Logger;
  #segments: Segment[] = [];
  #acknowledgedBefore = 0;
  #nextSequence = 0;
  #size = 0;
  /** Where reading starts: the first unacknowledged record, or a skipped line before it. */
  #head: Position | undefined;
  /** The last `readBatch`, kept so the `acknowledge` that follows it need not read again. */
  #lastRead: { readonly from: Position; readonly located: readonly Located[] } | undefined;
  #loaded: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: FsEventSpillOptions) {
    this.#directory = resolve(options.directory);
    this.#segmentBytes = positiveInteger("segmentBytes", options.segmentBytes ?? 16 * 1024 * 1024);
    this.#readChunkBytes = positiveInteger("readChunkBytes", options.readChunkBytes ?? 1024 * 1024);
    this.#logger = options.logger ?? silentLogger;
  }

  append(records: readonly SpillEntry[]): Promise<void> {
    return this.#exclusive(() => this.#append(records));
  }

  readBatch(max: number): Promise<SpilledRecord[]> {
    return this.#exclusive(async () => {
      assertSpillBatchSize(max);
      const head = this.#head;
      if (!head) return [];
      const located = await this.#locate(head, Math.min(max, this.#size));
      this.#lastRead = { from: head, located };
      return located.map((entry) => entry.record);
    });
  }

  acknowledge(count: number): Promise<void> {
    return this.#exclusive(() => this.#acknowledge(count));
  }

  size(): Promise<number> {
    return this.#exclusive(async () => this.#size);
  }

  /** Runs `operation` after every earlier call has finished, on a loaded spill. */
  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      this.#loaded ??= this.#load().catch((error: unknown) => {
        this.#loaded = undefined;
        throw error;
      });
      await this.#loaded;
      return operation();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #append(records: readonly SpillEntry[]): Promise<void> {
    if (records.length === 0) return;
    const first = this.#nextSequence;
    // Validate everything before writing anything: all or nothing.
    const text = records
      .map((record, i) => {
        const entry = spillEntrySchema.parse(record);
        const line: SpilledRecord = {
          sequence: first + i,
          topic: entry.topic,
          key: entry.key,
          timestamp: entry.timestamp,
          headers: entry.headers,
          payload: entry.payload,
        };
        return `${JSON.stringify(line)}\n`;
      })
      .join("");
    const data = Buffer.from(text, "utf8");

    const last = this.#segments.at(-1);
    const segment = last && last.bytes < this.#segmentBytes ? last : this.#newSegment(first);
    const created = segment !== last;
    const before = segment.bytes;
    const handle = await open(segment.path, "a");
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } catch (error) {
      await handle.close().catch(() => {});
      await this.#undoWrite(segment, created, before);
      throw error;
    }
    await handle.close();
    if (created) {
      await fsyncDirectory(this.#directory);
      this.#segments.push(segment);
    }
    segment.bytes = before + data.length;
    this.#head ??= { segment, offset: before };
    this.#nextSequence = first + records.length;
    this.#size += records.length;
  }

  /** Removes what a failed write may have left, or makes the next call reload from disk. */
  async #undoWrite(segment: Segment, created: boolean, bytes: number): Promise<void> {
    try {
      if (created) await unlinkIfPresent(segment.path);
      else await truncate(segment.path, bytes);
    } catch (error) {
      this.#logger.error(
        { segment: segment.name, error: describe(error) },
        "could not undo a failed spill write; reloading the spill from disk",
      );
      this.#loaded = undefined;
    }
  }

  async #acknowledge(count: number): Promise<void> {
    assertSpillAcknowledgeCount(count, this.#size);
    const head = this.#head;
    if (count === 0 || !head) return;
    const lastRead = this.#lastRead;
    const located =
      lastRead && lastRead.from === head && lastRead.located.length >= count
        ? lastRead.located
        : await this.#locate(head, count);
    const last = located[count - 1];
    if (!last) throw new Error(`event spill: ${count} records counted but fewer found on disk`);

    await this.#writeIndex(last.record.sequence + 1);
    this.#acknowledgedBefore = last.record.sequence + 1;
    this.#size -= count;
    this.#lastRead = undefined;

    const at = this.#segments.indexOf(last.end.segment);
    let keepFrom = at;
    if (this.#size === 0) {
      keepFrom = this.#segments.length;
      this.#head = undefined;
    } else if (last.end.offset >= last.end.segment.bytes && at + 1 < this.#segments.length) {
      keepFrom = at + 1;
      const next = this.#segments[keepFrom];
      this.#head = next ? { segment: next, offset: 0 } : undefined;
    } else {
      this.#head = last.end;
    }
    const done = this.#segments.slice(0, keepFrom);
    this.#segments = this.#segments.slice(keepFrom);
    // The index already says these are acknowledged, so a segment left behind (a crash, a failed
    // unlink) is harmless: the next open deletes it. Failing here would make the caller retry an
    // acknowledgement that already happened.
    for (const segment of done) {
      await unlinkIfPresent(segment.path).catch((error: unknown) => {
        this.#logger.warn({ segment: segment.name, error: describe(error) }, "could not delete a spent spill segment");
      });
    }
  }

  /** Up to `count` records from `from`, in order, skipping damaged lines. */
  async #locate(from: Position, count: number): Promise<Located[]> {
    const located: Located[] = [];
    let previous = this.#acknowledgedBefore - 1;
    let index = this.#segments.indexOf(from.segment);
    let offset = from.offset;
    let want = this.#readChunkBytes;
    let reader: SegmentReader | undefined;
    try {
      while (located.length < count && index >= 0 && index < this.#segments.length) {
        const segment = this.#segments[index];
        if (!segment || offset >= segment.bytes) {
          index += 1;
          offset = 0;
          continue;
        }
        if (reader?.segment !== segment) {
          await reader?.close();
          reader = await SegmentReader.open(segment);
        }
        const chunk = await reader.read(offset, Math.min(want, segment.bytes - offset));
        if (chunk.length === 0) {
          this.#logger.error(
            { segment: segment.name, expectedBytes: segment.bytes },
            "spill segment is shorter than written",
          );
          index += 1;
          offset = 0;
          continue;
        }
        let lineStart = 0;
        while (located.length < count) {
          const end = chunk.indexOf(newline, lineStart);
          if (end < 0) break;
          const record = parseLine(chunk, lineStart, end);
          if (!record) {
            this.#logger.warn({ segment: segment.name, offset: offset + lineStart }, "skipping a damaged spill line");
          } else if (record.sequence > previous) {
            previous = record.sequence;
            located.push({ record, end: { segment, offset: offset + end + 1 } });
          }
          lineStart = end + 1;
        }
        if (lineStart === 0 && chunk.length < segment.bytes - offset) {
          // A line longer than the chunk: read more at once, from now on.
          want *= 2;
          continue;
        }
        if (lineStart === 0) {
          this.#logger.error(
            { segment: segment.name, offset },
            "spill segment ends without a newline; skipping its tail",
          );
          lineStart = chunk.length;
        }
        offset += lineStart;
      }
    } finally {
      await reader?.close();
    }
    return located;
  }

  async #load(): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
    await unlinkIfPresent(join(this.#directory, indexTempFile));
    const acknowledgedBefore = await this.#readIndex();
    const names = (await readdir(this.#directory))
      .map((name) => ({ name, match: segmentFilePattern.exec(name) }))
      .flatMap(({ name, match }) => (match?.[1] ? [{ name, firstSequence: Number(match[1]) }] : []))
      .sort((a, b) => a.firstSequence - b.firstSequence);

    const segments: Segment[] = [];
    let lastSequence = -1;
    let size = 0;
    let head: Position | undefined;
    for (const { name, firstSequence } of names) {
      const path = join(this.#directory, name);
      const bytes = await readFile(path);
      const complete = bytes.lastIndexOf(newline) + 1;
      if (complete < bytes.length) {
        this.#logger.warn(
          { segment: name, tornBytes: bytes.length - complete },
          "ignoring a torn last line left by an interrupted spill write",
        );
        await truncate(path, complete);
      }
      const segment: Segment = { name, path, firstSequence, bytes: complete };
      let lineStart = 0;
      while (lineStart < complete) {
        const end = bytes.indexOf(newline, lineStart);
        const record = parseLine(bytes, lineStart, end);
        if (!record) {
          this.#logger.warn({ segment: name, offset: lineStart }, "skipping a damaged spill line");
        } else if (record.sequence <= lastSequence) {
          this.#logger.warn({ segment: name, offset: lineStart }, "skipping a spill line out of sequence");
        } else {
          lastSequence = record.sequence;
          if (record.sequence >= acknowledgedBefore) {
            size += 1;
            head ??= { segment, offset: lineStart };
          }
        }
        lineStart = end + 1;
      }
      segments.push(segment);
    }

    // Segments wholly before the first unacknowledged record are done with.
    const keepFrom = head ? segments.indexOf(head.segment) : segments.length;
    for (const segment of segments.slice(0, keepFrom)) await unlinkIfPresent(segment.path);
    this.#segments = segments.slice(keepFrom);
    this.#acknowledgedBefore = acknowledgedBefore;
    this.#nextSequence = Math.max(acknowledgedBefore, lastSequence + 1);
    this.#size = size;
    this.#head = head;
    this.#lastRead = undefined;
    if (size > 0) this.#logger.info({ directory: this.#directory, events: size }, "event spill holds events");
  }

  async #readIndex(): Promise<number> {
    let text: string;
    try {
      text = await readFile(join(this.#directory, indexFile), "utf8");
    } catch (error) {
      if (isCode(error, "ENOENT")) return 0;
      throw error;
    }
    try {
      return indexSchema.parse(JSON.parse(text)).acknowledgedBefore;
    } catch (error) {
      this.#logger.error(
        { directory: this.#directory, error: describe(error) },
        "event spill index is unreadable; replaying every record still on disk (some may be sent twice)",
      );
      return 0;
    }
  }

  async #writeIndex(acknowledgedBefore: number): Promise<void> {
    const temp = join(this.#directory, indexTempFile);
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(JSON.stringify({ format: 1, acknowledgedBefore }));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(this.#directory, indexFile));
    await fsyncDirectory(this.#directory);
  }

  #newSegment(firstSequence: number): Segment {
    const name = `segment-${String(firstSequence).padStart(16, "0")}.jsonl`;
    return { name, path: join(this.#directory, name), firstSequence, bytes: 0 };
  }
}

function parseLine(bytes: Buffer, start: number, end: number): SpilledRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8", start, end));
  } catch {
    return undefined;
  }
  const parsed = spilledRecordSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** One segment open for reading, so a batch spanning many chunks opens the file once. */
class SegmentReader {
  private constructor(
    readonly segment: Segment,
    private readonly handle: FileHandle,
  ) {}

  static async open(segment: Segment): Promise<SegmentReader> {
    return new SegmentReader(segment, await open(segment.path, "r"));
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Makes creations, renames and deletions in `directory` durable. */
async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isCode(error, "ENOENT")) throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
