import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EventSpill, SpillEntry, SpilledRecord } from "../ports/event-spill";

export interface EventSpillHarness {
  readonly spill: EventSpill;
  /**
   * For a durable spill: a new instance over the same storage, as a restarted process would
   * open it. Required when the suite is run with `durable: true`.
   */
  readonly reopen?: () => Promise<EventSpill>;
  /** Removes what the test stored (a temporary folder, say). */
  cleanup(): Promise<void>;
}

function entry(n: number, overrides: Partial<SpillEntry> = {}): SpillEntry {
  return {
    topic: n % 3 === 0 ? "trading.decisions.v1" : "models.updates.v1",
    key: `key-${n % 7}`,
    payload: { n, nested: { values: [n, n / 2, -n - 1], flag: n % 2 === 0, none: null }, text: `event ${n}` },
    headers: { "content-type": "application/json", n: String(n) },
    timestamp: 1_700_000_000_000 + n,
    ...overrides,
  };
}

function entries(from: number, count: number): SpillEntry[] {
  return Array.from({ length: count }, (_, i) => entry(from + i));
}

/** What reading `appended[i]` back must give: the entry with its sequence. */
function expected(appended: readonly SpillEntry[], firstSequence: number): SpilledRecord[] {
  return appended.map((e, i) => ({ ...e, sequence: firstSequence + i }));
}

export interface EventSpillContractOptions {
  /** The spill survives the process: adds the tests that reopen it (the harness must offer `reopen`). */
  readonly durable: boolean;
}

/**
 * The behaviour every EventSpill must show, run against the in-memory twin and the on-disk
 * spill so they cannot drift apart. Each test gets a fresh, empty spill from `factory`.
 */
export function describeEventSpillContract(
  name: string,
  factory: () => Promise<EventSpillHarness>,
  options: EventSpillContractOptions,
): void {
  describe(`EventSpill contract: ${name}`, () => {
    let harness: EventSpillHarness | undefined;

    const current = (): EventSpillHarness => {
      if (!harness) throw new Error("harness not created");
      return harness;
    };
    const spill = (): EventSpill => current().spill;

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      const done = harness;
      harness = undefined;
      if (done) await done.cleanup();
    });

    it("starts empty", async () => {
      expect(await spill().size()).toBe(0);
      expect(await spill().readBatch(10)).toEqual([]);
    });

    it("numbers appended records 0, 1, 2, ... and reads them back oldest first with every field", async () => {
      const first = entries(0, 3);
      const second = entries(3, 2);
      await spill().append(first);
      await spill().append(second);
      expect(await spill().size()).toBe(5);
      expect(await spill().readBatch(100)).toEqual(expected([...first, ...second], 0));
    });

    it("reads at most `max` records and does not remove them", async () => {
      const appended = entries(0, 10);
      await spill().append(appended);
      const once = await spill().readBatch(4);
      expect(once).toEqual(expected(appended.slice(0, 4), 0));
      expect(await spill().readBatch(4)).toEqual(once);
      expect(await spill().size()).toBe(10);
    });

    it("acknowledging drops exactly the oldest records", async () => {
      const appended = entries(0, 10);
      await spill().append(appended);
      await spill().acknowledge(3);
      expect(await spill().size()).toBe(7);
      expect(await spill().readBatch(100)).toEqual(expected(appended.slice(3), 3));
      await spill().acknowledge(0);
      expect(await spill().size()).toBe(7);
      await spill().acknowledge(7);
      expect(await spill().size()).toBe(0);
      expect(await spill().readBatch(100)).toEqual([]);
    });

    it("never reuses a sequence number, even once everything is acknowledged", async () => {
      await spill().append(entries(0, 4));
      await spill().acknowledge(4);
      const later = entries(4, 2);
      await spill().append(later);
      expect(await spill().readBatch(10)).toEqual(expected(later, 4));
    });

    it("ignores an empty append", async () => {
      await spill().append([]);
      expect(await spill().size()).toBe(0);
      await spill().append(entries(0, 1));
      expect((await spill().readBatch(1))[0]?.sequence).toBe(0);
    });

    it("rejects an invalid entry and stores nothing of its batch", async () => {
      await spill().append(entries(0, 2));
      const cases: SpillEntry[] = [
        entry(2, { timestamp: -1 }),
        entry(2, { timestamp: 1.5 }),
        entry(2, { topic: "" }),
        entry(2, { payload: undefined }),
        entry(2, { payload: 10n }),
        entry(2, { headers: { n: 2 } as unknown as Record<string, string> }),
      ];
      for (const bad of cases) {
        await expect(spill().append([entry(10), bad, entry(11)])).rejects.toThrow();
      }
      expect(await spill().size()).toBe(2);
      await spill().append(entries(2, 1));
      expect((await spill().readBatch(10)).map((r) => r.sequence)).toEqual([0, 1, 2]);
    });

    it("rejects a batch size that is not a positive integer", async () => {
      for (const max of [0, -1, 1.5, Number.NaN]) {
        await expect(spill().readBatch(max)).rejects.toThrow(RangeError);
      }
    });

    it("rejects acknowledging more than it holds, or a count that is not a non-negative integer", async () => {
      await spill().append(entries(0, 3));
      await expect(spill().acknowledge(4)).rejects.toThrow(RangeError);
      await expect(spill().acknowledge(-1)).rejects.toThrow(RangeError);
      await expect(spill().acknowledge(1.5)).rejects.toThrow(RangeError);
      expect(await spill().size()).toBe(3);
    });

    it("keeps a JSON copy: strings with newlines and unicode survive, and no caller shares its objects", async () => {
      const payload = { text: 'line 1\nline 2\r\n\t"quoted" \\ \u2028 é 漢字 🚀', list: [1, { deep: [true] }] };
      const original = entry(0, { payload, key: "clé\nkey", headers: { "x-note": "a\nb" } });
      await spill().append([original]);
      payload.list.push(99);
      const [read] = await spill().readBatch(1);
      expect(read?.payload).toEqual({ text: payload.text, list: [1, { deep: [true] }] });
      expect(read?.key).toBe("clé\nkey");
      expect(read?.headers).toEqual({ "x-note": "a\nb" });
      const again = await spill().readBatch(1);
      expect(again[0]?.payload).toEqual(read?.payload);
      expect(again[0]?.payload).not.toBe(read?.payload);
    });

    it("stores what JSON keeps of a payload: undefined fields vanish, dates become strings", async () => {
      await spill().append([
        entry(0, { payload: { kept: 1, dropped: undefined, at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) } }),
      ]);
      expect((await spill().readBatch(1))[0]?.payload).toEqual({ kept: 1, at: "2024-01-02T03:04:05.000Z" });
    });

    it("keeps order over many appends, reads and acknowledgements interleaved", async () => {
      const total = 20_000;
      let appended = 0;
      let consumed = 0;
      const seen: number[] = [];
      while (consumed < total) {
        if (appended < total) {
          const count = Math.min(1_000, total - appended);
          await spill().append(entries(appended, count));
          appended += count;
        }
        const batch = await spill().readBatch(777);
        for (const record of batch) seen.push(record.sequence);
        const n = Math.min(batch.length, 500);
        await spill().acknowledge(n);
        consumed += n;
        seen.length = consumed;
        expect(await spill().size()).toBe(appended - consumed);
      }
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
      const last = await spill().readBatch(1);
      expect(last).toEqual([]);
    });

    it("behaves as if overlapping calls ran one after the other in call order", async () => {
      const [, , sizeAfterAppends, , batch, sizeAfterAck] = await Promise.all([
        spill().append(entries(0, 3)),
        spill().append(entries(3, 3)),
        spill().size(),
        spill().acknowledge(2),
        spill().readBatch(10),
        spill().size(),
      ]);
      expect(sizeAfterAppends).toBe(6);
      expect(batch.map((r) => r.sequence)).toEqual([2, 3, 4, 5]);
      expect(sizeAfterAck).toBe(4);
    });

    if (!options.durable) return;

    describe("durability", () => {
      const reopen = async (): Promise<EventSpill> => {
        const open = current().reopen;
        if (!open) throw new Error(`${name} is declared durable but its harness cannot reopen it`);
        return open();
      };

      it("a reopened spill holds exactly the unacknowledged records, and keeps numbering after them", async () => {
        const appended = entries(0, 12);
        await spill().append(appended.slice(0, 7));
        await spill().append(appended.slice(7));
        await spill().acknowledge(5);
        const reopened = await reopen();
        expect(await reopened.size()).toBe(7);
        expect(await reopened.readBatch(100)).toEqual(expected(appended.slice(5), 5));
        await reopened.append(entries(12, 1));
        expect((await reopened.readBatch(100)).map((r) => r.sequence)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
      });

      it("a reopened spill that was emptied stays empty and does not reuse numbers", async () => {
        await spill().append(entries(0, 5));
        await spill().acknowledge(5);
        const reopened = await reopen();
        expect(await reopened.size()).toBe(0);
        expect(await reopened.readBatch(10)).toEqual([]);
        await reopened.append(entries(5, 1));
        expect((await reopened.readBatch(10)).map((r) => r.sequence)).toEqual([5]);
      });
    });
  });
}
