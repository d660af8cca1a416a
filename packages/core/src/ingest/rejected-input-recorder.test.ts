import { afterEach, describe, expect, it, vi } from "vitest";
import type { RejectedTickRecord, RejectedTickRepository } from "../ports/repositories";
import { RejectedInputRecorder } from "./rejected-input-recorder";
import type { RejectedInput } from "./rejection";

/** Stores batches in memory; `failNext` makes the next writes throw as a database outage would. */
class MemoryRejectedTicks implements Pick<RejectedTickRepository, "record"> {
  readonly batches: RejectedTickRecord[][] = [];
  failNext = 0;

  async record(entries: readonly RejectedTickRecord[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("database unavailable");
    }
    this.batches.push([...entries]);
  }

  get stored(): RejectedTickRecord[] {
    return this.batches.flat();
  }
}

const entry = (i: number, symbol?: string): RejectedInput => ({
  receivedAt: i,
  source: "replay",
  ...(symbol === undefined ? {} : { symbol }),
  reason: "malformed",
  raw: { i },
  detail: "not stored",
});

const recorders: RejectedInputRecorder[] = [];
function recorder(options: ConstructorParameters<typeof RejectedInputRecorder>[0]) {
  const created = new RejectedInputRecorder({ flushIntervalMs: 60_000, ...options });
  recorders.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.close()));
});

describe("RejectedInputRecorder", () => {
  it("writes in order, in batches, without the detail (logs only)", async () => {
    const repository = new MemoryRejectedTicks();
    const dead = recorder({ repository, batchSize: 2 });
    for (let i = 0; i < 5; i++) dead.add(entry(i, i === 0 ? "QXAB" : undefined));
    await dead.flush();
    expect(repository.batches.map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(repository.stored[0]).toEqual({
      receivedAt: 0,
      source: "replay",
      symbol: "QXAB",
      reason: "malformed",
      raw: { i: 0 },
    });
    expect(repository.stored.map((r) => r.receivedAt)).toEqual([0, 1, 2, 3, 4]);
    expect(repository.stored[1]).not.toHaveProperty("symbol");
    expect(dead.stats()).toEqual({ recorded: 5, pending: 0, dropped: 0, failures: 0 });
  });

  it("keeps a batch through a short outage and gives it up after maxAttempts, then goes on", async () => {
    const repository = new MemoryRejectedTicks();
    const dead = recorder({ repository, batchSize: 2, maxAttempts: 2 });
    for (let i = 0; i < 3; i++) dead.add(entry(i));
    repository.failNext = 1;
    await dead.flush();
    expect(dead.stats()).toMatchObject({ recorded: 0, pending: 3, failures: 1 });
    await dead.flush();
    expect(repository.stored.map((r) => r.receivedAt)).toEqual([0, 1, 2]);

    dead.add(entry(10));
    dead.add(entry(11));
    dead.add(entry(12));
    repository.failNext = 2;
    await dead.flush();
    await dead.flush();
    // The first batch (10, 11) failed twice and was given up; 12 went through on the second flush.
    expect(repository.stored.map((r) => r.receivedAt)).toEqual([0, 1, 2, 12]);
    expect(dead.stats()).toEqual({ recorded: 4, pending: 0, dropped: 2, failures: 3 });
  });

  it("holds at most maxPending entries, dropping the oldest", async () => {
    const repository = new MemoryRejectedTicks();
    const dead = recorder({ repository, maxPending: 3 });
    for (let i = 0; i < 5; i++) dead.add(entry(i));
    expect(dead.stats()).toMatchObject({ pending: 3, dropped: 2 });
    await dead.flush();
    expect(repository.stored.map((r) => r.receivedAt)).toEqual([2, 3, 4]);
  });

  it("writes on its timer, and close writes what is left then refuses more", async () => {
    const repository = new MemoryRejectedTicks();
    const dead = recorder({ repository, flushIntervalMs: 10 });
    dead.add(entry(1));
    await vi.waitFor(() => expect(repository.stored).toHaveLength(1));
    dead.add(entry(2));
    await dead.close();
    expect(repository.stored.map((r) => r.receivedAt)).toEqual([1, 2]);
    dead.add(entry(3));
    expect(dead.stats()).toEqual({ recorded: 2, pending: 0, dropped: 1, failures: 0 });
  });
});
