import { describe, expect, it } from "vitest";
import { z } from "zod";
import { silentLogger } from "../ports/logger";
import { defineTopic } from "./define-topic";
import { deliver, retryBackoffMs } from "./delivery";
import type { EventRecord } from "./event-codec";

const topic = defineTopic({
  name: "delivery.test.v1",
  description: "delivery",
  schema: z.object({ n: z.number() }),
  retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 5 },
  handlerTimeoutMs: 50,
});

const record: EventRecord = {
  topic: topic.name,
  partition: 2,
  offset: "9007199254740993",
  key: "k",
  value: '{"n":1}',
  headers: { h: "v" },
  timestamp: 5,
};

const signal = () => new AbortController().signal;

describe("retryBackoffMs", () => {
  it("doubles from the initial backoff and stops at the cap", () => {
    const policy = { maxAttempts: 10, initialBackoffMs: 100, maxBackoffMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryBackoffMs(policy, attempt))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });
});

describe("deliver", () => {
  it("hands the handler a frozen event carrying the record's position", async () => {
    const seen: unknown[] = [];
    const outcome = await deliver({
      topic,
      record,
      signal: signal(),
      logger: silentLogger,
      handler: async (event) => {
        seen.push(event);
      },
    });
    expect(outcome).toEqual({ kind: "handled", attempts: 1 });
    expect(seen).toEqual([
      {
        topic: topic.name,
        partition: 2,
        offset: "9007199254740993",
        key: "k",
        timestamp: 5,
        headers: { h: "v" },
        payload: { n: 1 },
        attempt: 1,
      },
    ]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it("counts a synchronous throw and a timeout as failed attempts, then reports for dead-lettering", async () => {
    let attempt = 0;
    const outcome = await deliver({
      topic,
      record,
      signal: signal(),
      logger: silentLogger,
      handler: (() => {
        attempt += 1;
        if (attempt === 1) throw new Error("sync");
        if (attempt === 2) return new Promise<void>(() => {});
        return Promise.reject("a string reason");
      }) as () => Promise<void>,
    });
    expect(attempt).toBe(3);
    expect(outcome).toEqual({ kind: "dead-letter", reason: "handler-failed", error: "a string reason", attempts: 3 });
  });

  it("reports the timeout when the last attempt times out", async () => {
    const outcome = await deliver({
      topic: { ...topic, retry: { ...topic.retry, maxAttempts: 1 } },
      record,
      signal: signal(),
      logger: silentLogger,
      handler: () => new Promise<void>(() => {}),
    });
    expect(outcome).toMatchObject({
      kind: "dead-letter",
      error: "HandlerTimeoutError: handler did not finish within 50 ms",
    });
  });

  it("dead-letters an unparseable payload without calling the handler", async () => {
    let called = false;
    const outcome = await deliver({
      topic,
      record: { ...record, value: '{"n":"one"}' },
      signal: signal(),
      logger: silentLogger,
      handler: async () => {
        called = true;
      },
    });
    expect(called).toBe(false);
    expect(outcome).toMatchObject({ kind: "dead-letter", reason: "invalid-payload", attempts: 0 });
  });

  it("finishes the attempt in flight when stopped, then starts no other", async () => {
    const stopping = new AbortController();
    let attempts = 0;
    const outcome = await deliver({
      topic: { ...topic, retry: { maxAttempts: 3, initialBackoffMs: 60_000, maxBackoffMs: 60_000 } },
      record,
      signal: stopping.signal,
      logger: silentLogger,
      handler: async () => {
        attempts += 1;
        stopping.abort();
        throw new Error("fails while stopping");
      },
    });
    expect(attempts).toBe(1);
    expect(outcome).toEqual({ kind: "abandoned", attempts: 1 });
  });

  it("does not start when already stopped", async () => {
    const stopping = new AbortController();
    stopping.abort();
    const outcome = await deliver({
      topic,
      record,
      signal: stopping.signal,
      logger: silentLogger,
      handler: async () => {},
    });
    expect(outcome).toEqual({ kind: "abandoned", attempts: 0 });
  });
});
