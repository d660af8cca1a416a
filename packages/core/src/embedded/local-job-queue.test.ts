import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineJob } from "../jobs/define-job";
import { describeJobQueueContract } from "../testing/job-queue-contract";
import { waitFor } from "../testing/wait-for";
import { backoffDelayMs, LocalJobQueue } from "./local-job-queue";
import { ManualClock } from "./manual-clock";

describeJobQueueContract("LocalJobQueue", async () => {
  const queue = new LocalJobQueue();
  return { queue, cleanup: () => queue.close() };
});

const payload = z.object({ n: z.number() });

describe("LocalJobQueue", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("computes BullMQ's backoff delays", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs({ kind: "fixed", delayMs: 500 }, n))).toEqual([500, 500, 500, 500]);
    expect([1, 2, 3, 4].map((n) => backoffDelayMs({ kind: "exponential", delayMs: 500 }, n))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
  });

  it("waits the exponential backoff between attempts, to the millisecond", async () => {
    vi.useFakeTimers();
    const job = defineJob({
      name: "test.exponential",
      description: "fails twice",
      schema: payload,
      attempts: 3,
      backoff: { kind: "exponential", delayMs: 100 },
      timeoutMs: 10_000,
    });
    const queue = new LocalJobQueue();
    const startedAt: number[] = [];
    await queue.work(job, async ({ attempt }) => {
      startedAt.push(Date.now());
      if (attempt < 3) throw new Error("not yet");
    });
    const t0 = Date.now();
    const { id } = await queue.enqueue(job, { n: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(startedAt).toEqual([t0]);
    await vi.advanceTimersByTimeAsync(99);
    expect(startedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // first retry after 100 ms
    expect(startedAt).toEqual([t0, t0 + 100]);
    await vi.advanceTimersByTimeAsync(199);
    expect(startedAt).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // second retry 200 ms later
    expect(startedAt).toEqual([t0, t0 + 100, t0 + 300]);
    expect((await queue.get(job, id))?.state).toBe("completed");
    await queue.close();
  });

  it("stamps records with its clock", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const job = defineJob({ name: "test.clocked", description: "", schema: payload, timeoutMs: 1_000 });
    const queue = new LocalJobQueue({ clock });
    const { id } = await queue.enqueue(job, { n: 1 });
    clock.advance(5_000);
    await queue.work(job, async () => "ok");
    const record = await waitFor(async () => {
      const current = await queue.get(job, id);
      return current?.state === "completed" ? current : null;
    });
    expect(record.enqueuedAt).toBe(1_700_000_000_000);
    expect(record.finishedAt).toBe(1_700_000_005_000);
    await queue.close();
  });

  it("fails, without retrying, a stored payload that the worker's schema rejects", async () => {
    const lenient = defineJob({
      name: "test.evolving",
      description: "",
      schema: z.object({ n: z.number() }),
      attempts: 3,
      timeoutMs: 1_000,
    });
    const strict = defineJob({ ...lenient, schema: z.object({ n: z.number().int() }) });
    const queue = new LocalJobQueue();
    const { id } = await queue.enqueue(lenient, { n: 1.5 });
    let calls = 0;
    await queue.work(strict, async () => {
      calls += 1;
    });
    const record = await waitFor(async () => {
      const current = await queue.get(strict, id);
      return current?.state === "failed" ? current : null;
    });
    expect(record.attemptsMade).toBe(1);
    expect(record.failedReason).toMatch(/invalid payload for job test\.evolving/);
    expect(calls).toBe(0);
    await queue.close();
  });

  it("keeps a bounded number of finished jobs, after which their ids can be reused", async () => {
    const job = defineJob({ name: "test.retained", description: "", schema: payload, timeoutMs: 1_000 });
    const queue = new LocalJobQueue({ retain: { completed: 2 } });
    await queue.work(job, async () => "ok");
    const ids = ["job-a", "job-b", "job-c"];
    for (const jobId of ids) {
      await queue.enqueue(job, { n: 1 }, { jobId });
      await waitFor(async () => (await queue.get(job, jobId))?.state === "completed");
    }
    expect(await queue.get(job, "job-a")).toBeNull();
    expect((await queue.get(job, "job-b"))?.state).toBe("completed");
    expect(await queue.enqueue(job, { n: 2 }, { jobId: "job-a" })).toEqual({ id: "job-a", deduplicated: false });
    await queue.close();
  });

  it("drops pending delays on close and refuses work afterwards", async () => {
    vi.useFakeTimers();
    const job = defineJob({ name: "test.closing", description: "", schema: payload, timeoutMs: 1_000 });
    const queue = new LocalJobQueue();
    await queue.enqueue(job, { n: 1 }, { delayMs: 60_000 });
    expect(vi.getTimerCount()).toBe(1);
    await queue.close();
    expect(vi.getTimerCount()).toBe(0);
    await expect(queue.enqueue(job, { n: 1 })).rejects.toThrow(/closed/);
    await expect(queue.work(job, async () => {})).rejects.toThrow(/closed/);
  });

  it("rejects a non-positive concurrency and a negative delay", async () => {
    const job = defineJob({ name: "test.options", description: "", schema: payload, timeoutMs: 1_000 });
    const queue = new LocalJobQueue();
    await expect(queue.work(job, async () => {}, { concurrency: 0 })).rejects.toThrow(RangeError);
    await expect(queue.enqueue(job, { n: 1 }, { delayMs: -1 })).rejects.toThrow(RangeError);
    await queue.close();
  });
});
