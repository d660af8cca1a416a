import { z } from "zod";

/** An event that could not reach the bus yet, as it is written to the spill. */
export interface SpillEntry {
  /** The topic's name (`trading.decisions.v1`); the publisher maps it back to its definition. */
  readonly topic: string;
  readonly key: string;
  /** The payload as JSON: what the topic schema produced when the event was accepted. */
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Event time in epoch ms, stamped when the event was accepted. */
  readonly timestamp: number;
}

/** An entry read back from the spill, with the position the spill gave it. */
export interface SpilledRecord extends SpillEntry {
  /**
   * Assigned by the spill on append: consecutive integers from 0 for a new spill, in append
   * order, never reused (not after acknowledgement, not across restarts of a durable spill).
   */
  readonly sequence: number;
}

/**
 * Where the buffered publisher puts events the bus cannot take and memory cannot hold: a FIFO
 * that survives the process when it is backed by disk. A spill is owned by one publisher in one
 * process at a time; implementations serialise their own operations, so calls may overlap.
 */
export interface EventSpill {
  /** Appends in order, all or nothing, durably before resolving. Rejects an invalid entry with a ZodError. */
  append(records: readonly SpillEntry[]): Promise<void>;
  /**
   * Up to `max` records, oldest first, without removing them: reading again before
   * `acknowledge` returns the same records. `max` must be a positive integer.
   */
  readBatch(max: number): Promise<SpilledRecord[]>;
  /** Drops the oldest `count` records for good. `count` is a non-negative integer at most `size()`. */
  acknowledge(count: number): Promise<void>;
  /** Records appended and not yet acknowledged. */
  size(): Promise<number>;
}

/** The JSON text of `value`, or undefined when it has none (undefined, a function, a cycle, a BigInt). */
function jsonText(value: unknown): string | undefined {
  try {
    const text: string | undefined = JSON.stringify(value);
    return text;
  } catch {
    return undefined;
  }
}

/** What `append` accepts; both the in-memory and the on-disk spill check entries with it. */
export const spillEntrySchema = z.object({
  topic: z.string().min(1),
  key: z.string(),
  payload: z.unknown().refine((payload) => jsonText(payload) !== undefined, "payload has no JSON representation"),
  headers: z.record(z.string(), z.string()),
  timestamp: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

/** A record as a durable spill stores it; read back through this, so a damaged one is detected. */
export const spilledRecordSchema = spillEntrySchema.extend({
  sequence: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  payload: z.unknown().refine((payload) => payload !== undefined, "payload is missing"),
});

/** Checks `max` for `readBatch` alike in every implementation. */
export function assertSpillBatchSize(max: number): void {
  if (!Number.isInteger(max) || max <= 0) throw new RangeError(`readBatch: max must be a positive integer, got ${max}`);
}

/** Checks `count` for `acknowledge` alike in every implementation. */
export function assertSpillAcknowledgeCount(count: number, size: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`acknowledge: count must be a non-negative integer, got ${count}`);
  }
  if (count > size) throw new RangeError(`acknowledge: count ${count} exceeds the ${size} records in the spill`);
}
