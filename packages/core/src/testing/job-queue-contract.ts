import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "../jobs/define-job";
import {
  InvalidJobPayloadError,
  type JobDefinition,
  type JobQueue,
  type JobRecord,
  type JobWorker,
} from "../ports/job-queue";
import { sleep, waitFor } from "./wait-for";

export interface JobQueueHarness {
  readonly queue: JobQueue;
  /** Closes the queue and removes whatever the test left behind. */
  cleanup(): Promise<void>;
}

const payloadSchema = z.object({ n: z.number().int(), label: z.string().default("unlabelled") });

type TestJob = JobDefinition<typeof payloadSchema>;

/** A job kind no other test (or earlier run against a shared Redis) uses. */
function testJob(overrides: { attempts?: number; timeoutMs?: number; backoffMs?: number } = {}): TestJob {
  return defineJob({
    name: `test.q-${Math.random().toString(36).slice(2, 10)}`,
    description: "contract test job",
    schema: payloadSchema,
    attempts: overrides.attempts ?? 1,
    backoff: { kind: "fixed", delayMs: overrides.backoffMs ?? 10 },
    timeoutMs: overrides.timeoutMs ?? 10_000,
  });
}

/** A promise the test resolves by hand, to hold a handler mid-job. */
function gate(): { readonly promise: Promise<void>; open(): void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * The behaviour every JobQueue must show, run against the local twin and against BullMQ on Redis
 * so the two cannot drift apart. Timings are short but conditions are awaited, never slept for.
 */
export function describeJobQueueContract(name: string, factory: () => Promise<JobQueueHarness>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let harness: JobQueueHarness | undefined;
    const workers: JobWorker[] = [];

    const queue = (): JobQueue => {
      if (!harness) throw new Error("harness not created");
      return harness.queue;
    };

    const work: JobQueue["work"] = async (job, handler, options) => {
      const worker = await queue().work(job, handler, options);
      workers.push(worker);
      return worker;
    };

    const settled = async (job: JobDefinition, id: string, timeoutMs = 10_000): Promise<JobRecord> =>
      waitFor(
        async () => {
          const record = await queue().get(job, id);
          return record && (record.state === "completed" || record.state === "failed") ? record : null;
        },
        { timeoutMs, description: `job ${id} of ${job.name} to finish` },
      );

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      const current = harness;
      harness = undefined;
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
      if (current) await current.cleanup();
    });

    it("runs an enqueued job and records its result", async () => {
      const job = testJob();
      const seen: { id: string; attempt: number; payload: unknown }[] = [];
      await work(job, async ({ id, attempt, payload }) => {
        seen.push({ id, attempt, payload });
        return { doubled: payload.n * 2 };
      });
      const before = Date.now();
      const { id, deduplicated } = await queue().enqueue(job, { n: 21 });
      expect(deduplicated).toBe(false);

      const record = await settled(job, id);
      expect(record).toMatchObject({
        id,
        name: job.name,
        state: "completed",
        payload: { n: 21 },
        attemptsMade: 1,
        maxAttempts: 1,
        result: { doubled: 42 },
      });
      expect(record.enqueuedAt).toBeGreaterThanOrEqual(before - 1_000);
      expect(record.finishedAt).toBeGreaterThanOrEqual(record.enqueuedAt);
      // The handler gets the schema's output (defaults applied), the record keeps what was sent.
      expect(seen).toEqual([{ id, attempt: 1, payload: { n: 21, label: "unlabelled" } }]);
    });

    it("returns null for an id it never saw", async () => {
      const job = testJob();
      expect(await queue().get(job, "no-such-job")).toBeNull();
    });

    it("carries payloads and results as JSON", async () => {
      const job = testJob();
      await work(job, async () => ({ at: new Date(0), dropped: undefined, list: [1, "two"] }));
      const { id } = await queue().enqueue(job, { n: 1 });
      const record = await settled(job, id);
      expect(record.result).toEqual({ at: "1970-01-01T00:00:00.000Z", list: [1, "two"] });
    });

    it("retries a failing job until it succeeds, counting attempts", async () => {
      const job = testJob({ attempts: 3 });
      const attempts: number[] = [];
      await work(job, async ({ attempt }) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`transient failure ${attempt}`);
        return "recovered";
      });
      const { id } = await queue().enqueue(job, { n: 1 });
      const record = await settled(job, id);
      expect(attempts).toEqual([1, 2, 3]);
      expect(record).toMatchObject({ state: "completed", attemptsMade: 3, maxAttempts: 3, result: "recovered" });
      // The last failure stays on record after a later attempt succeeds, as BullMQ keeps it.
      expect(record.failedReason).toBe("transient failure 2");
    });

    it("fails a job that exhausts its attempts, keeping the last reason", async () => {
      const job = testJob({ attempts: 2 });
      let calls = 0;
      await work(job, async ({ attempt }) => {
        calls += 1;
        throw new Error(`boom ${attempt}`);
      });
      const { id } = await queue().enqueue(job, { n: 1 });
      const record = await settled(job, id);
      expect(record).toMatchObject({ state: "failed", attemptsMade: 2, maxAttempts: 2, failedReason: "boom 2" });
      expect(record.finishedAt).toBeGreaterThanOrEqual(record.enqueuedAt);
      expect(calls).toBe(2);
    });

    it("aborts an attempt that runs past its timeout and counts it as failed", async () => {
      const job = testJob({ attempts: 2, timeoutMs: 200 });
      const aborted: unknown[] = [];
      await work(job, async ({ attempt, signal }) => {
        if (attempt === 2) return "second attempt";
        // The first attempt only notices the signal and then finishes late: its result must not count.
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        aborted.push(signal.reason);
        await sleep(50);
        return "too late";
      });
      const { id } = await queue().enqueue(job, { n: 1 });
      const record = await settled(job, id);
      expect(record).toMatchObject({ state: "completed", attemptsMade: 2, result: "second attempt" });
      expect(aborted).toHaveLength(1);
    });

    it("fails a job whose last attempt times out even if the handler ignores its signal", async () => {
      const job = testJob({ attempts: 1, timeoutMs: 150 });
      await work(job, () => new Promise(() => {}));
      const { id } = await queue().enqueue(job, { n: 1 });
      const record = await settled(job, id);
      expect(record.state).toBe("failed");
      expect(record.attemptsMade).toBe(1);
      expect(record.failedReason).toMatch(/timed out/);
    });

    it("deduplicates by jobId, also after the job has finished", async () => {
      const job = testJob();
      const first = await queue().enqueue(job, { n: 1 }, { jobId: "nightly-2024-01-02" });
      const second = await queue().enqueue(job, { n: 2 }, { jobId: "nightly-2024-01-02" });
      expect(first).toEqual({ id: "nightly-2024-01-02", deduplicated: false });
      expect(second).toEqual({ id: "nightly-2024-01-02", deduplicated: true });

      const runs: number[] = [];
      await work(job, async ({ payload }) => {
        runs.push(payload.n);
      });
      const record = await settled(job, "nightly-2024-01-02");
      expect(record.payload).toEqual({ n: 1 });

      const third = await queue().enqueue(job, { n: 3 }, { jobId: "nightly-2024-01-02" });
      expect(third).toEqual({ id: "nightly-2024-01-02", deduplicated: true });
      // A fresh job queued behind the duplicate proves the duplicate was never queued.
      const { id: marker } = await queue().enqueue(job, { n: 4 });
      await settled(job, marker);
      expect(runs).toEqual([1, 4]);
    });

    it.each(["", "42", "a:b"])("rejects the custom job id %j", async (jobId) => {
      const job = testJob();
      await expect(queue().enqueue(job, { n: 1 }, { jobId })).rejects.toThrow(RangeError);
    });

    it("holds a delayed job back until its delay has passed", async () => {
      const job = testJob();
      const startedAt = new Map<number, number>();
      await work(job, async ({ payload }) => {
        startedAt.set(payload.n, Date.now());
      });
      const enqueuedAt = Date.now();
      const delayed = await queue().enqueue(job, { n: 1 }, { delayMs: 400 });
      expect((await queue().get(job, delayed.id))?.state).toBe("delayed");
      const immediate = await queue().enqueue(job, { n: 2 });

      await settled(job, immediate.id);
      expect((await queue().get(job, delayed.id))?.state).toBe("delayed");
      await settled(job, delayed.id);
      // Timers may fire a millisecond early; the delay is otherwise honoured in full.
      expect(startedAt.get(1)).toBeGreaterThanOrEqual(enqueuedAt + 400 - 5);
    });

    it("never runs more jobs at once than its concurrency", async () => {
      const job = testJob();
      let active = 0;
      let peak = 0;
      await work(
        job,
        async () => {
          active += 1;
          peak = Math.max(peak, active);
          await sleep(60);
          active -= 1;
        },
        { concurrency: 2 },
      );
      const ids: string[] = [];
      for (let n = 0; n < 6; n++) ids.push((await queue().enqueue(job, { n })).id);
      for (const id of ids) expect((await settled(job, id)).state).toBe("completed");
      expect(peak).toBe(2);
    });

    it("rejects an invalid payload and queues nothing", async () => {
      const job = testJob();
      const bad = { n: "not a number" } as unknown as z.input<typeof payloadSchema>;
      await expect(queue().enqueue(job, bad)).rejects.toBeInstanceOf(InvalidJobPayloadError);
      await expect(queue().enqueue(job, bad)).rejects.toThrow(job.name);
      const unserialisable = { n: 1, label: 10n } as unknown as z.input<typeof payloadSchema>;
      await expect(queue().enqueue(job, unserialisable)).rejects.toBeInstanceOf(InvalidJobPayloadError);

      const runs: unknown[] = [];
      await work(job, async ({ payload }) => {
        runs.push(payload);
      });
      const { id } = await queue().enqueue(job, { n: 7 });
      await settled(job, id);
      expect(runs).toEqual([{ n: 7, label: "unlabelled" }]);
    });

    it("reports progress while the job runs", async () => {
      const job = testJob();
      const hold = gate();
      let outOfRange: unknown;
      await work(job, async ({ reportProgress }) => {
        await reportProgress(0.25);
        outOfRange = await reportProgress(1.5).then(
          () => "accepted",
          (error: unknown) => error,
        );
        await hold.promise;
        await reportProgress(1);
      });
      const { id } = await queue().enqueue(job, { n: 1 });
      const running = await waitFor(async () => {
        const record = await queue().get(job, id);
        return record?.state === "active" && record.progress === 0.25 ? record : null;
      });
      expect(running.progress).toBe(0.25);
      hold.open();
      const record = await settled(job, id);
      expect(record.progress).toBe(1);
      expect(outOfRange).toBeInstanceOf(RangeError);
    });

    it("stop fires the signal of the active job and waits for it to finish", async () => {
      const job = testJob();
      const hold = gate();
      let started = false;
      let signalled = false;
      const worker = await work(job, async ({ signal }) => {
        started = true;
        signal.addEventListener("abort", () => {
          signalled = true;
        });
        await hold.promise;
        return "finished anyway";
      });
      const { id } = await queue().enqueue(job, { n: 1 });
      await waitFor(() => started, { description: "the job to start" });

      let stopped = false;
      const stopping = worker.stop().then(() => {
        stopped = true;
      });
      await waitFor(() => signalled, { description: "the signal to fire" });
      expect(stopped).toBe(false);
      hold.open();
      await stopping;
      expect((await queue().get(job, id))?.state).toBe("completed");
    });

    it("requeues, without charging an attempt, a job that gives up because its worker stops", async () => {
      const job = testJob({ attempts: 1 });
      let started = false;
      const worker = await work(job, async ({ signal }) => {
        started = true;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        throw new Error("interrupted by shutdown");
      });
      const { id } = await queue().enqueue(job, { n: 1 });
      await waitFor(() => started, { description: "the job to start" });
      await worker.stop();
      expect(await queue().get(job, id)).toMatchObject({ state: "waiting", attemptsMade: 0 });

      const attempts: number[] = [];
      await work(job, async ({ attempt }) => {
        attempts.push(attempt);
        return "done";
      });
      expect(await settled(job, id)).toMatchObject({ state: "completed", attemptsMade: 1, result: "done" });
      expect(attempts).toEqual([1]);
    });

    it("answers ping while open and rejects it once closed", async () => {
      await queue().ping();
      await queue().close();
      await expect(queue().ping()).rejects.toThrow();
    });
  });
}
