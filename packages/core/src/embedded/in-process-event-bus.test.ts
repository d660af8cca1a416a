import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { deadLetterTopic } from "../events/dead-letter";
import { defineTopic } from "../events/define-topic";
import { partitionForKey } from "../events/partitioner";
import type { DeliveredEvent } from "../ports/event-bus";
import type { Logger } from "../ports/logger";
import { describeEventBusContract } from "../testing/event-bus-contract";
import { waitFor } from "../testing/wait-for";
import { InProcessEventBus } from "./in-process-event-bus";
import { ManualClock } from "./manual-clock";

describeEventBusContract(
  "in-process",
  async () => {
    const bus = new InProcessEventBus();
    return { bus, cleanup: () => bus.close() };
  },
  { deliveryTimeoutMs: 5_000, testTimeoutMs: 20_000 },
);

const schema = z.object({ n: z.number().int() });
type Payload = z.output<typeof schema>;

const hour = 60 * 60 * 1000;

function topic(overrides: { partitions?: number; retentionMs?: number; maxAttempts?: number } = {}) {
  return defineTopic({
    name: `twin.t-${Math.random().toString(36).slice(2, 10)}.v1`,
    description: "twin test topic",
    schema,
    partitions: overrides.partitions ?? 1,
    retentionMs: overrides.retentionMs ?? hour,
    retry: { maxAttempts: overrides.maxAttempts ?? 1, initialBackoffMs: 1, maxBackoffMs: 1 },
  });
}

/** A logger that keeps warnings, to check the twin reports what it drops. */
function recordingLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger & { readonly warnings: string[] } = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (fields: Record<string, unknown> | string, message?: string) => {
      warnings.push(typeof fields === "string" ? fields : (message ?? ""));
    },
    error: () => {},
    child: () => logger,
  };
  return logger;
}

describe("InProcessEventBus", () => {
  const buses: InProcessEventBus[] = [];
  const open = (options: ConstructorParameters<typeof InProcessEventBus>[0] = {}) => {
    const bus = new InProcessEventBus(options);
    buses.push(bus);
    return bus;
  };

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  const drain = async (bus: InProcessEventBus, t: ReturnType<typeof topic>, expected: number) => {
    const events: DeliveredEvent<Payload>[] = [];
    await bus.subscribe({
      topic: t,
      groupId: `drain-${Math.random()}`,
      fromBeginning: true,
      handler: async (event) => {
        events.push(event);
      },
    });
    await waitFor(() => events.length >= expected, { description: `${expected} events` });
    return events;
  };

  it("drops messages older than the topic's retention, by append time on the bus's clock", async () => {
    const clock = new ManualClock(1_000_000);
    const bus = open({ clock });
    const t = topic({ retentionMs: hour });
    // An old event time must not expire a message on arrival: age counts from the append.
    await bus.publish(t, [{ key: "k", payload: { n: 0 }, timestamp: 0 }]);
    clock.advance(hour / 2);
    await bus.publish(t, [{ key: "k", payload: { n: 1 } }]);
    clock.advance(hour / 2 + 1);
    await bus.publish(t, [{ key: "k", payload: { n: 2 } }]);
    const events = await drain(bus, t, 2);
    expect(events.map((e) => e.payload.n)).toEqual([1, 2]);
    expect(events.map((e) => e.offset)).toEqual(["1", "2"]);
  });

  it("tells a lagging group what retention dropped before it caught up, then goes on", async () => {
    const clock = new ManualClock(0);
    const logger = recordingLogger();
    const bus = open({ clock, logger });
    const t = topic({ retentionMs: hour });
    let release: () => void = () => {};
    const seen: number[] = [];
    await bus.subscribe({
      topic: t,
      groupId: "lagging",
      handler: async (event) => {
        seen.push(event.payload.n);
        if (event.payload.n === 0) await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await bus.publish(
      t,
      [0, 1, 2].map((n) => ({ key: "k", payload: { n } })),
    );
    await waitFor(() => seen.length === 1);
    clock.advance(hour + 1);
    await bus.publish(t, [{ key: "k", payload: { n: 3 } }]);
    release();
    await waitFor(() => seen.includes(3));
    expect(seen).toEqual([0, 3]);
    expect(logger.warnings).toContain("retention dropped messages this consumer group had not consumed yet");
  });

  it("caps memory per topic by dropping the oldest messages", async () => {
    // 1 partition, 2,000 units: each message is 96 overhead + key (1) + value (~7-9) units.
    const bus = open({ maxRetainedBytesPerTopic: 2_000 });
    const t = topic();
    await bus.publish(
      t,
      Array.from({ length: 100 }, (_, n) => ({ key: "k", payload: { n } })),
    );
    const size = (n: number) => 96 + 1 + JSON.stringify({ n }).length;
    let kept = 0;
    let bytes = 0;
    for (let n = 99; n >= 0 && bytes + size(n) <= 2_000; n--) {
      bytes += size(n);
      kept += 1;
    }
    const events = await drain(bus, t, kept);
    expect(events.map((e) => e.payload.n)).toEqual(Array.from({ length: kept }, (_, i) => 100 - kept + i));
    expect(events[0]?.offset).toBe(String(100 - kept));
  });

  it("splits the cap evenly between partitions", async () => {
    const bus = open({ maxRetainedBytesPerTopic: 4 * 1_000 });
    const t = topic({ partitions: 4 });
    const keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const published = Array.from({ length: 400 }, (_, n) => ({ key: keys[n % keys.length] ?? "a", payload: { n } }));
    await bus.publish(t, published);
    // Independently: each partition keeps the newest messages that fit in 1,000 units.
    const expected = new Map<number, number[]>();
    for (let partition = 0; partition < 4; partition++) {
      const mine = published.filter((event) => partitionForKey(event.key, 4) === partition);
      const kept: number[] = [];
      let bytes = 0;
      for (const event of mine.reverse()) {
        const size = 96 + event.key.length + JSON.stringify(event.payload).length;
        if (bytes + size > 1_000) break;
        bytes += size;
        kept.unshift(event.payload.n);
      }
      expected.set(partition, kept);
    }
    const total = [...expected.values()].reduce((sum, kept) => sum + kept.length, 0);
    const events = await drain(bus, t, total);
    for (const [partition, kept] of expected) {
      expect(events.filter((e) => e.partition === partition).map((e) => e.payload.n)).toEqual(kept);
    }
  });

  it("assigns partitions p mod n to member i and rebalances when members join and stop", async () => {
    const bus = open();
    const t = topic({ partitions: 6 });
    const keysByPartition = new Map<number, string>();
    for (let i = 0; keysByPartition.size < 6; i++) {
      const key = `key-${i}`;
      if (!keysByPartition.has(partitionForKey(key, 6))) keysByPartition.set(partitionForKey(key, 6), key);
    }
    const received = [new Set<number>(), new Set<number>(), new Set<number>()];
    const subscriptions = await Promise.all(
      received.map((partitions) =>
        bus.subscribe({
          topic: t,
          groupId: "members",
          handler: async (event) => {
            partitions.add(event.partition);
          },
        }),
      ),
    );
    const publishToAll = () =>
      bus.publish(
        t,
        [...keysByPartition.values()].map((key) => ({ key, payload: { n: 0 } })),
      );
    await publishToAll();
    await waitFor(() => received.every((r) => r.size === 2));
    expect(received.map((r) => [...r].sort())).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    await subscriptions[1]?.stop();
    for (const r of received) r.clear();
    await publishToAll();
    await waitFor(() => received[0]?.size === 3 && received[2]?.size === 3);
    expect([...(received[0] ?? [])].sort()).toEqual([0, 2, 4]);
    expect([...(received[2] ?? [])].sort()).toEqual([1, 3, 5]);
  });

  it("never blocks a publisher on a stuck consumer", async () => {
    const bus = open();
    const t = topic();
    let calls = 0;
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe({
      topic: t,
      groupId: "stuck",
      handler: () => {
        calls += 1;
        return stuck;
      },
    });
    for (let i = 0; i < 1_000; i++) await bus.publish(t, [{ key: "k", payload: { n: i } }]);
    await waitFor(() => calls === 1);
    expect(calls).toBe(1);
    release();
    await waitFor(() => calls === 1_000);
  });

  it("waits exponentially longer between attempts, up to the cap", async () => {
    const bus = open();
    const t = defineTopic({
      name: `twin.backoff-${Math.random().toString(36).slice(2, 10)}.v1`,
      description: "backoff",
      schema,
      partitions: 1,
      retry: { maxAttempts: 5, initialBackoffMs: 40, maxBackoffMs: 120 },
    });
    const at: number[] = [];
    await bus.subscribe({
      topic: t,
      groupId: "backoff",
      handler: async () => {
        at.push(performance.now());
        throw new Error("always");
      },
    });
    await bus.publish(t, [{ key: "k", payload: { n: 0 } }]);
    await waitFor(() => at.length === 5);
    const gaps = at.slice(1).map((time, i) => time - (at[i] ?? 0));
    // Expected 40, 80, 120 (capped), 120; timers may fire late, never early.
    [40, 80, 120, 120].forEach((expected, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(expected - 2);
      expect(gaps[i]).toBeLessThan(expected + 250);
    });
  });

  it("abandons retries when stopped mid-backoff, leaving the message to the next member", async () => {
    const bus = open();
    const t = defineTopic({
      name: `twin.abandon-${Math.random().toString(36).slice(2, 10)}.v1`,
      description: "abandon",
      schema,
      partitions: 1,
      retry: { maxAttempts: 5, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
    });
    let failures = 0;
    const first = await bus.subscribe({
      topic: t,
      groupId: "handover",
      handler: async () => {
        failures += 1;
        throw new Error("fails once, then waits a minute");
      },
    });
    await bus.publish(t, [{ key: "k", payload: { n: 7 } }]);
    await waitFor(() => failures === 1);
    const stoppedAt = performance.now();
    await first.stop();
    expect(performance.now() - stoppedAt).toBeLessThan(1_000);
    const redelivered: [number, number][] = [];
    await bus.subscribe({
      topic: t,
      groupId: "handover",
      handler: async (event) => {
        redelivered.push([event.payload.n, event.attempt]);
      },
    });
    await waitFor(() => redelivered.length === 1);
    expect(redelivered).toEqual([[7, 1]]);
  });

  it("dead-letters into a topic with the source's partition count", async () => {
    const bus = open();
    const t = topic({ partitions: 5, maxAttempts: 1 });
    await bus.subscribe({
      topic: t,
      groupId: "fails",
      handler: async () => {
        throw new Error("no");
      },
    });
    const letters: DeliveredEvent<unknown>[] = [];
    await bus.subscribe({
      topic: deadLetterTopic(t),
      groupId: "letters",
      fromBeginning: true,
      handler: async (event) => {
        letters.push(event);
      },
    });
    await bus.publish(t, [{ key: "AAPL", payload: { n: 1 } }]);
    await waitFor(() => letters.length === 1);
    expect(letters[0]?.partition).toBe(partitionForKey("AAPL", 5));
  });

  it("rejects a non-positive memory cap", () => {
    expect(() => new InProcessEventBus({ maxRetainedBytesPerTopic: 0 })).toThrow(RangeError);
  });
});
