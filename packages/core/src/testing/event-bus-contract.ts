import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { deadLetterHeader, deadLetterTopic } from "../events/dead-letter";
import { defineTopic } from "../events/define-topic";
import { partitionForKey } from "../events/partitioner";
import {
  type DeliveredEvent,
  deadLetterTopicName,
  type EventBus,
  InvalidEventError,
  type RetryPolicy,
  type Subscription,
  type TopicDefinition,
} from "../ports/event-bus";
import { sleep, waitFor } from "./wait-for";

export interface EventBusHarness {
  readonly bus: EventBus;
  /** Closes the bus (possibly closed already by the test) and removes what the test left behind. */
  cleanup(): Promise<void>;
}

export interface EventBusContractOptions {
  /** How long to wait for deliveries; Kafka needs seconds for group joins and rebalances. Default 10 s. */
  readonly deliveryTimeoutMs?: number;
  /** Per-test limit. Default 120 s. */
  readonly testTimeoutMs?: number;
}

const testPayload = z.object({
  seq: z.number().int().nonnegative(),
  key: z.string(),
  note: z.string().optional(),
  nested: z.object({ values: z.array(z.number()) }).optional(),
});

type TestPayload = z.output<typeof testPayload>;
type TestEvent = DeliveredEvent<TestPayload>;

const fastRetry: RetryPolicy = { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 100 };

function randomId(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, "0");
}

/** A topic no other test, nor an earlier run against a shared broker, has used. */
function testTopic<S extends z.ZodType = typeof testPayload>(
  label: string,
  overrides: {
    partitions?: number;
    retry?: Partial<RetryPolicy>;
    handlerTimeoutMs?: number;
    schema?: S;
    name?: string;
  } = {},
): TopicDefinition<S> {
  return defineTopic({
    name: overrides.name ?? `contract.${label}-${randomId()}.v1`,
    description: "event bus contract test topic",
    schema: (overrides.schema ?? testPayload) as S,
    partitions: overrides.partitions ?? 3,
    retry: { ...fastRetry, ...overrides.retry },
    handlerTimeoutMs: overrides.handlerTimeoutMs ?? 10_000,
    retentionMs: 60 * 60 * 1000,
  });
}

function groupId(label: string): string {
  return `contract-${label}-${randomId()}`;
}

function message(seq: number, key: string, extra: Partial<TestPayload> = {}) {
  return { key, payload: { seq, key, ...extra } };
}

function seqs(events: readonly TestEvent[]): number[] {
  return events.map((event) => event.payload.seq);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * The behaviour every EventBus must show, run against the in-process twin and against Kafka so
 * the two cannot drift apart: ordering, no loss and no duplication are what it checks hardest.
 * Topic names and group ids are unique per test, so it can run against a shared broker;
 * conditions are awaited, never slept for. It assumes the bus stamps events with the system clock.
 */
export function describeEventBusContract(
  name: string,
  factory: () => Promise<EventBusHarness>,
  options: EventBusContractOptions = {},
): void {
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 10_000;
  const testTimeoutMs = options.testTimeoutMs ?? 120_000;

  describe(`EventBus contract: ${name}`, () => {
    let harness: EventBusHarness | undefined;

    const bus = (): EventBus => {
      if (!harness) throw new Error("harness not created");
      return harness.bus;
    };

    const until = <T>(probe: () => T, description: string) =>
      waitFor(probe, { timeoutMs: deliveryTimeoutMs, intervalMs: 20, description });

    /** Subscribes a handler that records every delivery. */
    const collect = async <S extends z.ZodType>(
      topic: TopicDefinition<S>,
      group: string,
      fromBeginning = false,
    ): Promise<{ readonly events: DeliveredEvent<z.output<S>>[]; readonly subscription: Subscription }> => {
      const events: DeliveredEvent<z.output<S>>[] = [];
      const subscription = await bus().subscribe({
        topic,
        groupId: group,
        fromBeginning,
        handler: async (event) => {
          events.push(event);
        },
      });
      return { events, subscription };
    };

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });

    it(
      "delivers an event with its key, partition, headers, timestamp and payload",
      async () => {
        const topic = testTopic("roundtrip");
        const { events } = await collect(topic, groupId("roundtrip"));
        const before = Date.now();
        await bus().publish(topic, [
          {
            ...message(1, "AAPL", { nested: { values: [1.5, 2] } }),
            headers: { "trace-id": "t-1", source: "contract" },
            timestamp: 1_700_000_000_123,
          },
          message(2, "MSFT"),
        ]);
        const after = Date.now();
        await bus().publish(topic, []);
        await until(() => events.length >= 2, "both events");
        const [first, second] = events;
        expect(first).toMatchObject({
          topic: topic.name,
          key: "AAPL",
          partition: partitionForKey("AAPL", topic.partitions),
          timestamp: 1_700_000_000_123,
          headers: { "trace-id": "t-1", source: "contract" },
          payload: { seq: 1, key: "AAPL", nested: { values: [1.5, 2] } },
          attempt: 1,
        });
        expect(first?.offset).toMatch(/^\d+$/);
        expect(second).toMatchObject({ key: "MSFT", partition: partitionForKey("MSFT", topic.partitions), attempt: 1 });
        expect(second?.headers).toEqual({});
        expect(second?.payload).toEqual({ seq: 2, key: "MSFT" });
        expect(second?.timestamp).toBeGreaterThanOrEqual(before);
        expect(second?.timestamp).toBeLessThanOrEqual(after);
        expect(events).toHaveLength(2);
      },
      testTimeoutMs,
    );

    it(
      "keeps per-key order across many messages and publish calls",
      async () => {
        const topic = testTopic("order", { partitions: 3 });
        const { events } = await collect(topic, groupId("order"));
        const keys = ["k0", "k1", "k2", "k3", "k4"];
        const perKey = 100;
        for (let batch = 0; batch < 10; batch++) {
          const messages = [];
          for (let i = batch * 10; i < (batch + 1) * 10; i++) {
            for (const key of keys) messages.push(message(i, key));
          }
          await bus().publish(topic, messages);
        }
        await until(() => events.length >= keys.length * perKey, "every message");
        expect(events).toHaveLength(keys.length * perKey);
        for (const key of keys) {
          const ofKey = events.filter((event) => event.key === key);
          expect(seqs(ofKey)).toEqual(range(0, perKey));
          expect(new Set(ofKey.map((event) => event.partition))).toEqual(
            new Set([partitionForKey(key, topic.partitions)]),
          );
        }
        for (let partition = 0; partition < topic.partitions; partition++) {
          const offsets = events.filter((event) => event.partition === partition).map((event) => BigInt(event.offset));
          expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
          expect(new Set(offsets).size).toBe(offsets.length);
        }
      },
      testTimeoutMs,
    );

    it(
      "gives every message to each of two groups",
      async () => {
        const topic = testTopic("groups");
        const a = await collect(topic, groupId("groups-a"));
        const b = await collect(topic, groupId("groups-b"));
        await bus().publish(
          topic,
          range(0, 60).map((seq) => message(seq, `key-${seq % 7}`)),
        );
        await until(() => a.events.length >= 60 && b.events.length >= 60, "both groups to get all 60");
        expect(seqs(a.events).sort((x, y) => x - y)).toEqual(range(0, 60));
        expect(seqs(b.events).sort((x, y) => x - y)).toEqual(range(0, 60));
      },
      testTimeoutMs,
    );

    it(
      "splits a group's partitions between its members with no duplicate and no loss, and hands them over on stop",
      async () => {
        const topic = testTopic("split", { partitions: 4 });
        const group = groupId("split");
        const keys = range(0, 40).map((i) => `sym-${i}`);
        expect(new Set(keys.map((key) => partitionForKey(key, topic.partitions))).size).toBe(topic.partitions);
        const first = await collect(topic, group);
        const second = await collect(topic, group);
        await bus().publish(
          topic,
          range(0, 200).map((seq) => message(seq, keys[seq % keys.length] ?? "")),
        );
        const total = () => first.events.length + second.events.length;
        await until(() => total() >= 200, "all 200 across the two members");
        expect([...seqs(first.events), ...seqs(second.events)].sort((x, y) => x - y)).toEqual(range(0, 200));
        expect(first.events.length).toBeGreaterThan(0);
        expect(second.events.length).toBeGreaterThan(0);
        const firstPartitions = new Set(first.events.map((event) => event.partition));
        for (const event of second.events) expect(firstPartitions.has(event.partition)).toBe(false);

        await second.subscription.stop();
        const firstBefore = first.events.length;
        await bus().publish(
          topic,
          range(200, 300).map((seq) => message(seq, keys[seq % keys.length] ?? "")),
        );
        await until(() => first.events.length - firstBefore >= 100, "the remaining member to take over");
        expect(seqs(first.events.slice(firstBefore)).sort((x, y) => x - y)).toEqual(range(200, 300));
        expect([...seqs(first.events), ...seqs(second.events)].sort((x, y) => x - y)).toEqual(range(0, 300));
      },
      testTimeoutMs,
    );

    it(
      "starts a new group at the newest message, or at the oldest with fromBeginning",
      async () => {
        const topic = testTopic("start");
        await bus().publish(
          topic,
          range(0, 3).map((seq) => message(seq, `key-${seq}`)),
        );
        const oldest = await collect(topic, groupId("start-oldest"), true);
        const newest = await collect(topic, groupId("start-newest"), false);
        await bus().publish(
          topic,
          range(3, 5).map((seq) => message(seq, `key-${seq}`)),
        );
        await until(() => oldest.events.length >= 5 && newest.events.length >= 2, "both groups");
        expect(seqs(oldest.events).sort((x, y) => x - y)).toEqual(range(0, 5));
        expect(seqs(newest.events).sort((x, y) => x - y)).toEqual([3, 4]);
      },
      testTimeoutMs,
    );

    it(
      "resumes a group from its committed position after stop, with no redelivery and no loss",
      async () => {
        // One key, hence one partition: a redelivered message would arrive before the later ones.
        const topic = testTopic("resume");
        const group = groupId("resume");
        const earlier = await collect(topic, group);
        await bus().publish(
          topic,
          range(0, 5).map((seq) => message(seq, "one-key")),
        );
        await until(() => earlier.events.length >= 5, "the first five");
        await earlier.subscription.stop();
        await bus().publish(
          topic,
          range(5, 10).map((seq) => message(seq, "one-key")),
        );
        // fromBeginning only applies to a group without a committed position: this one has one.
        const later = await collect(topic, group, true);
        await until(() => later.events.length >= 5, "the next five");
        await bus().publish(topic, [message(10, "one-key")]);
        await until(() => later.events.length >= 6, "the marker");
        expect(seqs(earlier.events)).toEqual(range(0, 5));
        expect(seqs(later.events)).toEqual(range(5, 11));
      },
      testTimeoutMs,
    );

    it(
      "retries a throwing handler, counting attempts, before moving on",
      async () => {
        const topic = testTopic("retry", { retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 } });
        const seen: { seq: number; attempt: number; offset: string }[] = [];
        await bus().subscribe({
          topic,
          groupId: groupId("retry"),
          handler: async (event) => {
            seen.push({ seq: event.payload.seq, attempt: event.attempt, offset: event.offset });
            if (event.payload.seq === 0 && event.attempt < 3) throw new Error(`transient failure ${event.attempt}`);
          },
        });
        await bus().publish(topic, [message(0, "same"), message(1, "same")]);
        await until(() => seen.some((s) => s.seq === 1), "the next message");
        expect(seen.map(({ seq, attempt }) => [seq, attempt])).toEqual([
          [0, 1],
          [0, 2],
          [0, 3],
          [1, 1],
        ]);
        expect(new Set(seen.filter((s) => s.seq === 0).map((s) => s.offset)).size).toBe(1);
      },
      testTimeoutMs,
    );

    it(
      "fails an attempt that outlives handlerTimeoutMs and retries it",
      async () => {
        const topic = testTopic("timeout", { handlerTimeoutMs: 200 });
        const seen: [number, number][] = [];
        await bus().subscribe({
          topic,
          groupId: groupId("timeout"),
          handler: async (event) => {
            seen.push([event.payload.seq, event.attempt]);
            if (event.payload.seq === 0 && event.attempt === 1) await sleep(2_000);
          },
        });
        await bus().publish(topic, [message(0, "same"), message(1, "same")]);
        await until(() => seen.some(([seq]) => seq === 1), "the next message");
        expect(seen).toEqual([
          [0, 1],
          [0, 2],
          [1, 1],
        ]);
      },
      testTimeoutMs,
    );

    it(
      "dead-letters a message whose handler keeps failing, and goes on with the next",
      async () => {
        const topic = testTopic("dead", { retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 10 } });
        const group = groupId("dead");
        const attempts: [number, number][] = [];
        let failedOffset = "";
        await bus().subscribe({
          topic,
          groupId: group,
          handler: async (event) => {
            attempts.push([event.payload.seq, event.attempt]);
            if (event.payload.seq === 0) {
              failedOffset = event.offset;
              throw new Error("boom: cannot handle this one");
            }
          },
        });
        const dead = await collect(deadLetterTopic(topic), groupId("dead-letters"), true);
        await bus().publish(topic, [
          { ...message(0, "same"), headers: { "trace-id": "t-dead" } },
          message(1, "same"),
          message(2, "same"),
        ]);
        await until(
          () => attempts.some(([seq]) => seq === 2) && dead.events.length >= 1,
          "later messages and the letter",
        );
        expect(attempts).toEqual([
          [0, 1],
          [0, 2],
          [1, 1],
          [2, 1],
        ]);
        expect(dead.events).toHaveLength(1);
        const letter = dead.events[0];
        expect(letter?.topic).toBe(deadLetterTopicName(topic));
        expect(letter?.key).toBe("same");
        expect(letter?.payload).toEqual({ seq: 0, key: "same" });
        expect(letter?.headers).toMatchObject({
          "trace-id": "t-dead",
          [deadLetterHeader.reason]: "handler-failed",
          [deadLetterHeader.topic]: topic.name,
          [deadLetterHeader.partition]: String(partitionForKey("same", topic.partitions)),
          [deadLetterHeader.offset]: failedOffset,
          [deadLetterHeader.groupId]: group,
          [deadLetterHeader.attempts]: "2",
        });
        expect(letter?.headers[deadLetterHeader.error]).toContain("boom: cannot handle this one");
        expect(Number(letter?.headers[deadLetterHeader.failedAt])).toBeGreaterThan(0);
      },
      testTimeoutMs,
    );

    it(
      "dead-letters a payload that does not parse, without calling the handler",
      async () => {
        const producerSide = testTopic("schema");
        // The same topic as a consumer on a newer schema sees it: `note` became required.
        const consumerSide = testTopic("schema", {
          name: producerSide.name,
          schema: testPayload.extend({ note: z.string() }),
        });
        const handled = await collect(consumerSide, groupId("schema"));
        const dead = await collect(deadLetterTopic(consumerSide), groupId("schema-dead"), true);
        await bus().publish(producerSide, [message(7, "same"), message(8, "same", { note: "has a note" })]);
        await until(() => handled.events.length >= 1 && dead.events.length >= 1, "the valid one and the letter");
        expect(seqs(handled.events)).toEqual([8]);
        expect(dead.events[0]?.payload).toEqual({ seq: 7, key: "same" });
        expect(dead.events[0]?.headers).toMatchObject({
          [deadLetterHeader.reason]: "invalid-payload",
          [deadLetterHeader.attempts]: "0",
        });
        expect(dead.events[0]?.headers[deadLetterHeader.error]).toContain("note");
      },
      testTimeoutMs,
    );

    it(
      "rejects a batch with an invalid payload and sends none of it",
      async () => {
        const topic = testTopic("invalid");
        const { events } = await collect(topic, groupId("invalid"));
        const invalid = { key: "same", payload: { seq: -1, key: "same" } };
        const rejection = await bus()
          .publish(topic, [message(0, "same"), invalid])
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        expect(rejection).toBeInstanceOf(InvalidEventError);
        expect(rejection).toMatchObject({ topic: topic.name, index: 1 });
        expect((rejection as InvalidEventError).issues[0]?.path).toEqual(["payload", "seq"]);
        // Same key, same partition: had the valid first event been sent, it would arrive first.
        await bus().publish(topic, [message(1, "same")]);
        await until(() => events.length >= 1, "the marker");
        expect(seqs(events)).toEqual([1]);
      },
      testTimeoutMs,
    );

    it(
      "delivers deeply frozen payloads that neither a consumer nor the producer can change",
      async () => {
        const topic = testTopic("frozen");
        const checks: { frozen: boolean; mutationThrew: boolean }[] = [];
        await bus().subscribe({
          topic,
          groupId: groupId("frozen-mutator"),
          handler: async (event) => {
            const values = event.payload.nested?.values ?? [];
            const frozen =
              Object.isFrozen(event) &&
              Object.isFrozen(event.payload) &&
              Object.isFrozen(event.payload.nested) &&
              Object.isFrozen(values) &&
              Object.isFrozen(event.headers);
            let mutationThrew = false;
            try {
              values.push(99);
            } catch {
              mutationThrew = true;
            }
            checks.push({ frozen, mutationThrew });
          },
        });
        const other = await collect(topic, groupId("frozen-reader"));
        const original = { seq: 0, key: "same", nested: { values: [1, 2, 3] } };
        await bus().publish(topic, [{ key: "same", payload: original, headers: { h: "v" } }]);
        original.nested.values.push(4);
        original.seq = 5;
        await until(() => checks.length >= 1 && other.events.length >= 1, "both groups");
        expect(checks).toEqual([{ frozen: true, mutationThrew: true }]);
        expect(other.events[0]?.payload).toEqual({ seq: 0, key: "same", nested: { values: [1, 2, 3] } });
      },
      testTimeoutMs,
    );

    it(
      "waits for the handler in flight when a subscription stops",
      async () => {
        const topic = testTopic("stop");
        let started = false;
        let finished = false;
        const subscription = await bus().subscribe({
          topic,
          groupId: groupId("stop"),
          handler: async () => {
            started = true;
            await sleep(500);
            finished = true;
          },
        });
        expect(subscription).toMatchObject({ topic: topic.name });
        await bus().publish(topic, [message(0, "same")]);
        await until(() => started, "the handler to start");
        await subscription.stop();
        expect(finished).toBe(true);
        await subscription.stop();
      },
      testTimeoutMs,
    );

    it(
      "answers ping while open and refuses everything once closed",
      async () => {
        const topic = testTopic("closed");
        await expect(bus().ping()).resolves.toBeUndefined();
        await bus().close();
        await expect(bus().ping()).rejects.toThrow();
        await expect(bus().publish(topic, [message(0, "same")])).rejects.toThrow();
        await expect(bus().subscribe({ topic, groupId: groupId("closed"), handler: async () => {} })).rejects.toThrow();
        await expect(bus().close()).resolves.toBeUndefined();
      },
      testTimeoutMs,
    );
  });
}
