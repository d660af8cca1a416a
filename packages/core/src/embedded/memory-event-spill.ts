import {
  assertSpillAcknowledgeCount,
  assertSpillBatchSize,
  type EventSpill,
  type SpillEntry,
  type SpilledRecord,
  spillEntrySchema,
} from "../ports/event-spill";

/**
 * The embedded twin of the on-disk spill: the same FIFO, validation and sequence numbering, in
 * memory, so it does not survive the process. Payloads go through JSON on the way in and out, as
 * they do on disk, so what comes back is a JSON copy no caller shares.
 */
export class MemoryEventSpill implements EventSpill {
  #records: SpilledRecord[] = [];
  /** Index in `#records` of the oldest unacknowledged record; acknowledged ones are compacted in bulk. */
  #head = 0;
  #nextSequence = 0;

  async append(records: readonly SpillEntry[]): Promise<void> {
    // Validate everything before storing anything: all or nothing.
    const stored = records.map((record) => {
      const entry = spillEntrySchema.parse(record);
      return { ...entry, payload: JSON.parse(JSON.stringify(entry.payload)) as unknown };
    });
    for (const entry of stored) {
      this.#records.push(
        Object.freeze({ ...entry, headers: Object.freeze({ ...entry.headers }), sequence: this.#nextSequence }),
      );
      this.#nextSequence += 1;
    }
  }

  async readBatch(max: number): Promise<SpilledRecord[]> {
    assertSpillBatchSize(max);
    return this.#records
      .slice(this.#head, this.#head + max)
      .map((record) => ({ ...record, payload: JSON.parse(JSON.stringify(record.payload)) as unknown }));
  }

  async acknowledge(count: number): Promise<void> {
    assertSpillAcknowledgeCount(count, this.#records.length - this.#head);
    this.#head += count;
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
  }

  async size(): Promise<number> {
    return this.#records.length - this.#head;
  }
}
