import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { InProcessEventBus } from "../embedded/in-process-event-bus";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryEventSpill } from "../embedded/memory-event-spill";
import {
  type DeliveredEvent,
  type EventBus,
  InvalidEventError,
  type OutgoingEvent,
  type TopicDefinition,
  type TopicInput,
} from "../ports/event-bus";
import type { EventSpill, SpillEntry, SpilledRecord } from "../ports/event-spill";
import { SwitchableEventBus } from "../testing/switchable-event-bus";
import { waitFor } from "../testing/wait-for";
import {
  BufferedPublisher,
  type BufferedPublisherOptions,
  type BufferedPublisherStats,
  PublisherNotOpenError,
  publishRetryDelayMs,
} from "./buffered-publisher";
import { deadLetterHeader, deadLetterTopic } from "./dead-letter";
import { defineTopic } from "./define-topic";

const seqPayload = z.object({ seq: z.number().int().nonnegative(), key: z.string() });
type SeqPayload = z.output<typeof seqPayload>;

let topicCounter = 0;

function seqTopic(partitions = 1): TopicDefinition<typeof seqPayload> {
  topicCounter += 1;
  return defineTopic({
    name: `publisher.t${topicCounter}.v1`,
    description: "buffered publisher test topic",
    schema: seqPayload,
    partitions,
    retry: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
  });
}

function seqEvents(from: number, count: number, keys = 1): OutgoingEvent<SeqPayload>[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const key = `k${seq % keys}`;
    return { key, payload: { seq, key } };
  });
}

/** Stats must always account for every event: the spec's "event count matches expected". */
function expectBalanced(stats: BufferedPublisherStats): void {
  expect(stats.accepted + stats.recovered).toBe(stats.published + stats.deadLettered + stats.buffered + stats.spilled);
}

/** A real subscriber on the real bus: what it receives is what the bus delivered. */
async function collect<T extends TopicDefinition>(
  bus: EventBus,
  topic: T,
): Promise<DeliveredEvent<z.output<T["schema"]>>[]> {
  const received: DeliveredEvent<z.output<T["schema"]>>[] = [];
  await bus.subscribe({
    topic,
    groupId: `check-${topic.name}`,
    fromBeginning: true,
    handler: async (event) => {
      received.push(event);
    },
  });
  return received;
}

function seqs(received: readonly DeliveredEvent<SeqPayload>[]): number[] {
  return received.map((event) => event.payload.seq);
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

describe("publishRetryDelayMs", () => {
  it("doubles from the initial wait per consecutive failure and stops at the cap", () => {
    const policy = { initialMs: 100, maxMs: 5_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => publishRetryDelayMs(policy, n))).toEqual([
      100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000,
    ]);
    expect(publishRetryDelayMs(policy, 1_000_000)).toBe(5_000);
    expect(publishRetryDelayMs({ initialMs: 0, maxMs: 0 }, 3)).toBe(0);
  });
});

describe("BufferedPublisher", () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setUp(options: { clock?: ManualClock; spill?: EventSpill; inner?: InProcessEventBus } = {}) {
    const inner = options.inner ?? new InProcessEventBus({ clock: options.clock });
    const bus = new SwitchableEventBus(inner);
    const spill = options.spill ?? new MemoryEventSpill();
    if (!options.inner) cleanups.push(() => inner.close());
    return { inner, bus, spill };
  }

  async function open(
    bus: EventBus,
    spill: EventSpill,
    overrides: Partial<BufferedPublisherOptions> = {},
  ): Promise<BufferedPublisher> {
    const publisher = new BufferedPublisher({
      bus,
      spill,
      backoff: { initialMs: 5, maxMs: 20 },
      stallAfterMs: 50,
      closeTimeoutMs: 100,
      ...overrides,
    });
    cleanups.push(() => publisher.close(0));
    await publisher.start();
    return publisher;
  }

  it("publishes in acceptance order, stamping events with the clock's time unless they carry one", async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const { bus, spill } = setUp({ clock });
    const topic = seqTopic();
    const received = await collect(bus, topic);
    const publisher = await open(bus, spill, { clock, topics: [topic] });

    publisher.publish(topic, seqEvents(0, 2));
    clock.advance(250);
    publisher.publish(topic, [{ key: "k0", payload: { seq: 2, key: "k0" }, timestamp: 5, headers: { h: "v" } }]);

    expect(await publisher.flush(5_000)).toBe(true);
    await waitFor(() => received.length === 3);
    expect(seqs(received)).toEqual([0, 1, 2]);
    expect(received.map((event) => event.timestamp)).toEqual([1_700_000_000_000, 1_700_000_000_000, 5]);
    expect(received[2]?.headers).toEqual({ h: "v" });
    expect(publisher.stats()).toEqual({
      accepted: 3,
      recovered: 0,
      buffered: 0,
      spilled: 0,
      published: 3,
      deadLettered: 0,
      failures: 0,
      lastError: null,
      degraded: false,
    });
  });

  it("throws InvalidEventError at once for a bad payload and accepts nothing of that call", async () => {
    const { bus, spill } = setUp();
    const topic = seqTopic();
    const received = await collect(bus, topic);
    const publisher = await open(bus, spill, { topics: [topic] });
    const bad = [...seqEvents(0, 1), { key: "k", payload: { seq: -1, key: "k" } }] as OutgoingEvent<
      TopicInput<typeof topic>
    >[];

    expect(() => publisher.publish(topic, bad)).toThrow(InvalidEventError);
    expect(publisher.stats().accepted).toBe(0);
    publisher.publish(topic, seqEvents(7, 1));
    expect(await publisher.flush(5_000)).toBe(true);
    await waitFor(() => received.length === 1);
    expect(seqs(received)).toEqual([7]);
  });

  it("refuses events before start and after close", async () => {
    const { bus, spill } = setUp();
    const topic = seqTopic();
    const publisher = new BufferedPublisher({ bus, spill, topics: [topic] });
    expect(() => publisher.publish(topic, seqEvents(0, 1))).toThrow(PublisherNotOpenError);
    await publisher.start();
    await publisher.close(100);
    expect(() => publisher.publish(topic, seqEvents(0, 1))).toThrow(PublisherNotOpenError);
    await expect(publisher.start()).rejects.toThrow(PublisherNotOpenError);
  });

  it("snapshots the payload at publish: changing the caller's object afterwards changes nothing", async () => {
    const { bus, spill } = setUp();
    const topic = seqTopic();
    const received = await collect(bus, topic);
    bus.setMode("down");
    const publisher = await open(bus, spill, { topics: [topic] });
    const payload = { seq: 1, key: "k" };
    publisher.publish(topic, [{ key: "k", payload }]);
    payload.seq = 999;
    bus.setMode("up");
    expect(await publisher.flush(5_000)).toBe(true);
    await waitFor(() => received.length === 1);
    expect(received[0]?.payload).toEqual({ seq: 1, key: "k" });
  });

  it("never blocks: with the bus hung, 50,000 events are accepted at once, then all persisted at close", async () => {
    const { inner, bus, spill } = setUp();
    const topic = seqTopic();
    bus.setMode("hold");
    const publisher = await open(bus, spill, { topics: [topic] });

    for (let seq = 0; seq < 50_000; seq++) {
      // One event per call, as the decision path publishes; each call returns nothing to await.
      expect(publisher.publish(topic, seqEvents(seq, 1))).toBeUndefined();
    }
    expect(publisher.stats()).toMatchObject({ accepted: 50_000, buffered: 10_000, spilled: 40_000, published: 0 });
    await waitFor(async () => (await spill.size()) === 40_000, { description: "overflow written to the spill" });
    await waitFor(() => bus.held === 1 && publisher.stats().degraded && publisher.stats().failures > 0, {
      description: "the stalled send reported",
    });
    expect(publisher.stats().lastError).toMatch(/not answered within 50 ms/);
    expectBalanced(publisher.stats());

    await publisher.close(50);
    expect(await spill.size()).toBe(50_000);
    expect(publisher.stats()).toMatchObject({ buffered: 0, spilled: 50_000, published: 0 });

    // The next run, on a healthy bus, delivers every one exactly once, in order.
    const next = new SwitchableEventBus(inner);
    const received = await collect(next, topic);
    const replay = await open(next, spill, { topics: [topic] });
    expect(replay.stats().recovered).toBe(50_000);
    expect(await replay.flush(20_000)).toBe(true);
    await waitFor(() => received.length === 50_000, { timeoutMs: 20_000 });
    expect(seqs(received)).toEqual(range(0, 50_000));
    expectBalanced(replay.stats());
  });

  it("spills a send abandoned at close ahead of the events queued behind it", async () => {
    const { inner, bus, spill } = setUp();
    const topic = seqTopic();
    bus.setMode("hold");
    const publisher = await open(bus, spill, { topics: [topic] });
    publisher.publish(topic, seqEvents(0, 100));
    await waitFor(() => bus.held === 1);
    publisher.publish(topic, seqEvents(100, 50));
    await publisher.close(20);
    expect((await spill.readBatch(1_000)).map((record) => (record.payload as SeqPayload).seq)).toEqual(range(0, 150));

    const received = await collect(inner, topic);
    const replay = await open(new SwitchableEventBus(inner), spill, { topics: [topic] });
    expect(await replay.flush(5_000)).toBe(true);
    await waitFor(() => received.length === 150);
    expect(seqs(received)).toEqual(range(0, 150));
  });

  it("through an outage keeps 10,000 events in memory and spills the rest, then delivers each once, in order", async () => {
    const { bus, spill } = setUp();
    const ordered = seqTopic(1);
    const keyed = seqTopic(12);
    const receivedOrdered = await collect(bus, ordered);
    const receivedKeyed = await collect(bus, keyed);
    bus.setMode("down");
    const publisher = await open(bus, spill, { topics: [ordered, keyed] });

    const perTopic = 12_500;
    for (let seq = 0; seq < perTopic; seq += 100) {
      publisher.publish(ordered, seqEvents(seq, 100));
      publisher.publish(keyed, seqEvents(seq, 100, 37));
      // Let the drainer fail and back off while events keep coming.
      if (seq % 2_500 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expectBalanced(publisher.stats());
    }
    await waitFor(async () => (await spill.size()) === 2 * perTopic - 10_000);
    const during = publisher.stats();
    expect(during).toMatchObject({ accepted: 25_000, buffered: 10_000, spilled: 15_000, published: 0, degraded: true });
    expect(during.failures).toBeGreaterThan(0);
    expect(during.lastError).toMatch(/simulated outage/);
    expect(bus.rejected).toBeGreaterThan(1);
    expect(await publisher.flush(30)).toBe(false);

    bus.setMode("up");
    expect(await publisher.flush(20_000)).toBe(true);
    await waitFor(() => receivedOrdered.length === perTopic && receivedKeyed.length === perTopic, {
      timeoutMs: 20_000,
    });
    expect(seqs(receivedOrdered)).toEqual(range(0, perTopic));
    const byKey = new Map<string, number[]>();
    for (const event of receivedKeyed) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event.payload.seq]);
    for (const [key, keySeqs] of byKey) {
      const k = Number(key.slice(1));
      expect(keySeqs).toEqual(range(0, perTopic).filter((seq) => seq % 37 === k));
    }
    expect(byKey.size).toBe(37);
    expect(publisher.stats()).toMatchObject({ published: 25_000, buffered: 0, spilled: 0, degraded: false });
    expect(await spill.size()).toBe(0);
  });

  for (const outcome of ["deliver", "fail"] as const) {
    it(`copies a send in flight to the spill when memory overflows, and sends it once (send ${outcome}s)`, async () => {
      const { bus, spill } = setUp();
      const topic = seqTopic();
      const received = await collect(bus, topic);
      bus.setMode("hold");
      const publisher = await open(bus, spill, { topics: [topic] });
      publisher.publish(topic, seqEvents(0, 100));
      await waitFor(() => bus.held === 1);
      publisher.publish(topic, seqEvents(100, 10_000));
      expect(publisher.stats()).toMatchObject({ buffered: 10_000, spilled: 100 });
      expectBalanced(publisher.stats());

      bus.setMode("up");
      await bus.release(outcome);
      expect(await publisher.flush(10_000)).toBe(true);
      await waitFor(() => received.length >= 10_100);
      expect(seqs(received)).toEqual(range(0, 10_100));
      expect(publisher.stats()).toMatchObject({ published: 10_100, spilled: 0, buffered: 0 });
      expect(await spill.size()).toBe(0);
    });
  }

  it("does not resend the part of a batch that got through before a failure", async () => {
    const { bus, spill } = setUp();
    const first = seqTopic();
    const second = seqTopic();
    const receivedFirst = await collect(bus, first);
    const receivedSecond = await collect(bus, second);
    bus.setMode("hold");
    const publisher = await open(bus, spill, { topics: [first, second], stallAfterMs: 10_000 });
    publisher.publish(first, seqEvents(0, 3));
    publisher.publish(second, seqEvents(3, 3));
    await waitFor(() => bus.held === 1);
    await bus.release("deliver");
    await waitFor(() => bus.held === 1);
    await bus.release("fail");
    bus.setMode("up");
    expect(await publisher.flush(5_000)).toBe(true);
    await waitFor(() => receivedFirst.length + receivedSecond.length >= 6);
    expect(seqs(receivedFirst)).toEqual([0, 1, 2]);
    expect(seqs(receivedSecond)).toEqual([3, 4, 5]);
    expect(publisher.stats()).toMatchObject({ published: 6, failures: 1 });
  });

  it("replays what a previous run left in the spill before anything published after start", async () => {
    const { inner, bus, spill } = setUp();
    const topic = seqTopic();
    bus.setMode("down");
    const before = await open(bus, spill, { topics: [topic] });
    before.publish(topic, seqEvents(0, 1_000));
    await before.close(20);
    expect(await spill.size()).toBe(1_000);

    const received = await collect(inner, topic);
    const after = await open(new SwitchableEventBus(inner), spill, { topics: [topic] });
    after.publish(topic, seqEvents(1_000, 500));
    expect(await after.flush(10_000)).toBe(true);
    await waitFor(() => received.length === 1_500);
    expect(seqs(received)).toEqual(range(0, 1_500));
    expect(after.stats()).toMatchObject({ recovered: 1_000, accepted: 500, published: 1_500 });
  });

  it("dead-letters spilled events the bus now refuses, and events of a topic no longer declared", async () => {
    const { bus, spill } = setUp();
    const topic = seqTopic();
    const gone = defineTopic({ name: "publisher.gone.v1", description: "removed", schema: z.unknown() });
    const entry = (payload: unknown, topicName = topic.name): SpillEntry => ({
      topic: topicName,
      key: "k",
      payload,
      headers: { origin: "previous run" },
      timestamp: 1,
    });
    await spill.append([
      entry({ seq: 0, key: "k" }),
      entry({ seq: "one", key: "k" }),
      entry({ seq: 2, key: "k" }),
      entry({ anything: true }, gone.name),
      entry({ seq: 4, key: "k" }),
    ]);
    const received = await collect(bus, topic);
    const invalid = await collect(bus, deadLetterTopic(topic));
    const undeclared = await collect(bus, deadLetterTopic({ ...gone, partitions: 1 }));
    const publisher = await open(bus, spill, { topics: [topic] });

    expect(await publisher.flush(5_000)).toBe(true);
    await waitFor(() => received.length === 3 && invalid.length === 1 && undeclared.length === 1);
    expect(seqs(received)).toEqual([0, 2, 4]);
    expect(invalid[0]?.payload).toEqual({ seq: "one", key: "k" });
    expect(invalid[0]?.headers).toMatchObject({
      origin: "previous run",
      [deadLetterHeader.reason]: "invalid-payload",
      [deadLetterHeader.topic]: topic.name,
    });
    expect(invalid[0]?.headers[deadLetterHeader.error]).toMatch(/seq/);
    expect(undeclared[0]?.payload).toEqual({ anything: true });
    expect(undeclared[0]?.headers[deadLetterHeader.error]).toMatch(/not declared/);
    expect(publisher.stats()).toMatchObject({ recovered: 5, published: 3, deadLettered: 2, spilled: 0 });
  });

  it("keeps events in memory while the spill fails, and writes them once it works again", async () => {
    const { bus, spill: memory } = setUp();
    const topic = seqTopic();
    const received = await collect(bus, topic);
    const spill = new FailingSpill(memory, 2);
    bus.setMode("down");
    const publisher = await open(bus, spill, { topics: [topic], maxBufferedEvents: 10 });
    publisher.publish(topic, seqEvents(0, 30));
    await waitFor(async () => (await memory.size()) === 20);
    expect(spill.failedAppends).toBe(2);
    expect(publisher.stats()).toMatchObject({ buffered: 10, spilled: 20 });
    bus.setMode("up");
    expect(await publisher.flush(5_000)).toBe(true);
    await waitFor(() => received.length === 30);
    expect(seqs(received)).toEqual(range(0, 30));
  });

  it("rejects close, naming the count, when what is left cannot be written to the spill", async () => {
    const { bus, spill: memory } = setUp();
    const topic = seqTopic();
    bus.setMode("down");
    const publisher = new BufferedPublisher({
      bus,
      spill: new FailingSpill(memory, Number.POSITIVE_INFINITY),
      topics: [topic],
      backoff: { initialMs: 5, maxMs: 20 },
    });
    await publisher.start();
    publisher.publish(topic, seqEvents(0, 7));
    await expect(publisher.close(10)).rejects.toThrow(/7 events could not be written to the spill/);
  });

  it("waits longer after each consecutive failure, up to the cap", async () => {
    const { bus, spill } = setUp();
    const topic = seqTopic();
    bus.setMode("down");
    const calls: number[] = [];
    const timed: EventBus = {
      publish: (t, events) => {
        calls.push(performance.now());
        return bus.publish(t, events);
      },
      subscribe: (options) => bus.subscribe(options),
      ping: () => bus.ping(),
      close: () => bus.close(),
    };
    const publisher = await open(timed, spill, { topics: [topic], backoff: { initialMs: 20, maxMs: 80 } });
    publisher.publish(topic, seqEvents(0, 1));
    await waitFor(() => calls.length >= 7, { timeoutMs: 5_000 });
    const gaps = calls.slice(1, 7).map((at, i) => at - (calls[i] ?? at));
    // Timers never fire early (allow 2 ms of rounding); the cap keeps later waits near 80 ms,
    // where uncapped doubling would wait 160, 320 and 640 ms.
    [20, 40, 80, 80, 80, 80].forEach((least, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(least - 2);
    });
    for (const gap of gaps.slice(3)) expect(gap).toBeLessThan(150);
  });
});

/** The real in-memory spill, with `append` failing its first `failures` calls (a full disk). */
class FailingSpill implements EventSpill {
  failedAppends = 0;

  constructor(
    private readonly inner: EventSpill,
    private readonly failures: number,
  ) {}

  async append(records: readonly SpillEntry[]): Promise<void> {
    if (this.failedAppends < this.failures) {
      this.failedAppends += 1;
      throw new Error("ENOSPC: no space left on device (simulated)");
    }
    await this.inner.append(records);
  }

  readBatch(max: number): Promise<SpilledRecord[]> {
    return this.inner.readBatch(max);
  }

  acknowledge(count: number): Promise<void> {
    return this.inner.acknowledge(count);
  }

  size(): Promise<number> {
    return this.inner.size();
  }
}
