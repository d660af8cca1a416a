import { randomUUID } from "node:crypto";
import { defineJob } from "@tradeops/core";
import { describeJobQueueContract, waitFor } from "@tradeops/core/testing";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { deleteKeysMatching, freePort, ThrowawayRedis } from "../redis/redis-test-support";
import { servicesEnv } from "../testing/services-env";
import { BullMqJobQueue } from "./bullmq-job-queue";

let reachable: Promise<void> | undefined;

/** Checked once per file, so an unreachable Redis fails every test at once instead of one timeout each. */
function redisReachable(): Promise<void> {
  reachable ??= (async () => {
    const url = servicesEnv().REDIS_URL;
    const probe = new BullMqJobQueue({ url, prefix: "tradeops-test-probe" });
    try {
      await probe.ping();
    } catch (error) {
      throw new Error(`Redis at ${url} is not answering: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await probe.close();
    }
  })();
  return reachable;
}

async function connectedQueue(prefix: string): Promise<BullMqJobQueue> {
  await redisReachable();
  return new BullMqJobQueue({ url: servicesEnv().REDIS_URL, prefix });
}

describeJobQueueContract("BullMqJobQueue", async () => {
  const prefix = `tradeops-test-${randomUUID()}`;
  const queue = await connectedQueue(prefix);
  return {
    queue,
    cleanup: async () => {
      await queue.close();
      await deleteKeysMatching(servicesEnv().REDIS_URL, `${prefix}:*`);
    },
  };
});

describe("BullMqJobQueue", () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ queue: BullMqJobQueue; prefix: string }> {
    const prefix = `tradeops-test-${randomUUID()}`;
    const queue = await connectedQueue(prefix);
    cleanups.push(async () => {
      await queue.close();
      await deleteKeysMatching(servicesEnv().REDIS_URL, `${prefix}:*`);
    });
    return { queue, prefix };
  }

  it("stores one BullMQ queue per job kind, named after the job, with its attempts and backoff", async () => {
    const { queue, prefix } = await setUp();
    const job = defineJob({
      name: `test.layout-${randomUUID().slice(0, 8)}`,
      description: "",
      schema: z.object({ n: z.number() }),
      attempts: 4,
      backoff: { kind: "exponential", delayMs: 250 },
      timeoutMs: 1_000,
    });
    const { id } = await queue.enqueue(job, { n: 1 });

    const raw = new Queue(job.name, { connection: { url: servicesEnv().REDIS_URL }, prefix });
    cleanups.push(() => raw.close());
    const stored = await raw.getJob(id);
    expect(stored?.opts.attempts).toBe(4);
    expect(stored?.opts.backoff).toEqual({ type: "exponential", delay: 250 });
    expect(stored?.data).toMatchObject({ payload: { n: 1 } });
    expect(await raw.getJobState(id)).toBe("waiting");
  });

  it("fails a job whose stored payload the worker's schema rejects, and keeps working", async () => {
    const { queue, prefix } = await setUp();
    const job = defineJob({
      name: `test.corrupt-${randomUUID().slice(0, 8)}`,
      description: "",
      schema: z.object({ n: z.number().int() }),
      attempts: 3,
      timeoutMs: 1_000,
    });
    // Written behind the adapter's back, as an older producer or a hand edit could.
    const raw = new Queue(job.name, { connection: { url: servicesEnv().REDIS_URL }, prefix });
    cleanups.push(() => raw.close());
    const bad = await raw.add(job.name, { payload: { n: "seven" }, enqueueToken: "manual" }, { attempts: 3 });
    const notAnEnvelope = await raw.add(job.name, { n: 1 }, { attempts: 3 });

    const seen: number[] = [];
    await queue.work(job, async ({ payload }) => {
      seen.push(payload.n);
    });
    const { id: good } = await queue.enqueue(job, { n: 7 });

    for (const id of [bad.id, notAnEnvelope.id]) {
      if (id === undefined) throw new Error("BullMQ returned no id");
      const record = await waitFor(async () => {
        const current = await queue.get(job, id);
        return current?.state === "failed" ? current : null;
      });
      expect(record.attemptsMade).toBe(1);
      expect(record.failedReason).toMatch(/invalid payload/);
    }
    await waitFor(async () => (await queue.get(job, good))?.state === "completed");
    expect(seen).toEqual([7]);
  });

  it("fails within its connect timeout when Redis is unreachable, and still closes promptly", async () => {
    const port = await freePort();
    const queue = new BullMqJobQueue({
      url: `redis://127.0.0.1:${port}`,
      prefix: "unreachable",
      connectTimeoutMs: 500,
    });
    const job = defineJob({ name: "test.unreachable", description: "", schema: z.object({}), timeoutMs: 1_000 });
    const started = performance.now();
    await expect(queue.ping()).rejects.toThrow(/unavailable/);
    await expect(queue.enqueue(job, {})).rejects.toThrow(/not reachable within 500 ms/);
    await expect(queue.get(job, "x")).rejects.toThrow(/not reachable/);
    await expect(queue.work(job, async () => {})).rejects.toThrow(/not reachable/);
    await queue.close();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("stops and closes within bounded time when Redis goes away under it", async () => {
    const server = await ThrowawayRedis.start();
    cleanups.push(() => server.kill());
    const queue = new BullMqJobQueue({ url: server.url, prefix: "gone", connectTimeoutMs: 500 });
    const job = defineJob({ name: "test.gone", description: "", schema: z.object({}), timeoutMs: 1_000 });
    const worker = await queue.work(job, async () => "done");
    const { id } = await queue.enqueue(job, {});
    await waitFor(async () => (await queue.get(job, id))?.state === "completed");

    await server.kill();
    await waitFor(
      () =>
        queue.ping().then(
          () => false,
          () => true,
        ),
      { description: "the loss to be noticed" },
    );
    const started = performance.now();
    await expect(queue.enqueue(job, {})).rejects.toThrow();
    await worker.stop();
    await queue.close();
    // Two grace periods at most (worker close, then its disconnect), and the queue's close.
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("reports deduplicated truthfully when several producers race for one id", async () => {
    const { queue } = await setUp();
    const job = defineJob({
      name: `test.race-${randomUUID().slice(0, 8)}`,
      description: "",
      schema: z.object({ n: z.number() }),
      timeoutMs: 1_000,
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => queue.enqueue(job, { n }, { jobId: "only-once" })),
    );
    expect(results.filter((result) => !result.deduplicated)).toHaveLength(1);
    expect(results.every((result) => result.id === "only-once")).toBe(true);
  });
});
