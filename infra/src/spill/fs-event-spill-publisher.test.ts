import { appendFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BufferedPublisher,
  type DeliveredEvent,
  defineTopic,
  type EventBus,
  type EventSpill,
  InProcessEventBus,
  type OutgoingEvent,
} from "@tradeops/core";
import { SwitchableEventBus, waitFor } from "@tradeops/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FsEventSpill } from "./fs-event-spill";

const payload = z.object({ seq: z.number().int().nonnegative(), symbol: z.string() });
type Payload = z.output<typeof payload>;

let topicCounter = 0;
function topic(partitions: number) {
  topicCounter += 1;
  return defineTopic({
    name: `spill.fs-t${topicCounter}.v1`,
    description: "fs spill publisher test topic",
    schema: payload,
    partitions,
  });
}

const symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA"];

function events(from: number, count: number): OutgoingEvent<Payload>[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const symbol = symbols[seq % symbols.length] ?? "AAPL";
    return { key: symbol, payload: { seq, symbol } };
  });
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

describe("BufferedPublisher over FsEventSpill", () => {
  const cleanups: (() => Promise<unknown>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function folder(): Promise<string> {
    const directory = await mkdtemp(join(tmpdir(), "tradeops-spill-publisher-"));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    return directory;
  }

  function bus(): { inner: InProcessEventBus; switchable: SwitchableEventBus } {
    const inner = new InProcessEventBus();
    cleanups.push(() => inner.close());
    return { inner, switchable: new SwitchableEventBus(inner) };
  }

  async function start(eventBus: EventBus, spill: EventSpill, topics: ReturnType<typeof topic>[]) {
    const publisher = new BufferedPublisher({
      bus: eventBus,
      spill,
      topics,
      backoff: { initialMs: 5, maxMs: 50 },
      stallAfterMs: 100,
    });
    cleanups.push(() => publisher.close(0));
    await publisher.start();
    return publisher;
  }

  async function collect(eventBus: EventBus, t: ReturnType<typeof topic>): Promise<DeliveredEvent<Payload>[]> {
    const received: DeliveredEvent<Payload>[] = [];
    await eventBus.subscribe({
      topic: t,
      groupId: "forensics",
      fromBeginning: true,
      handler: async (event) => {
        received.push(event);
      },
    });
    return received;
  }

  it("persists everything at close with the bus down, and the next process replays it before anything new", async () => {
    const directory = await folder();
    const ordered = topic(1);
    const keyed = topic(12);
    const first = bus();
    first.switchable.setMode("down");
    const before = await start(first.switchable, new FsEventSpill({ directory }), [ordered, keyed]);
    for (let seq = 0; seq < 15_000; seq += 250) {
      before.publish(ordered, events(seq, 250));
      before.publish(keyed, events(seq, 250));
    }
    expect(before.stats()).toMatchObject({ accepted: 30_000, buffered: 10_000, spilled: 20_000 });
    await before.close(50);
    expect(await new FsEventSpill({ directory }).size()).toBe(30_000);

    // A new process: new bus connection, new spill instance on the same folder.
    const second = bus();
    const receivedOrdered = await collect(second.inner, ordered);
    const receivedKeyed = await collect(second.inner, keyed);
    const after = await start(second.switchable, new FsEventSpill({ directory }), [ordered, keyed]);
    expect(after.stats().recovered).toBe(30_000);
    after.publish(ordered, events(15_000, 1_000));
    expect(await after.flush(30_000)).toBe(true);
    await waitFor(() => receivedOrdered.length === 16_000 && receivedKeyed.length === 15_000, { timeoutMs: 30_000 });

    expect(receivedOrdered.map((event) => event.payload.seq)).toEqual(range(0, 16_000));
    for (const symbol of symbols) {
      const sequence = receivedKeyed.filter((event) => event.key === symbol).map((event) => event.payload.seq);
      expect(sequence).toEqual(range(0, 15_000).filter((seq) => symbols[seq % symbols.length] === symbol));
    }
    expect(after.stats()).toMatchObject({ recovered: 30_000, accepted: 1_000, published: 31_000, spilled: 0 });
    expect((await readdir(directory)).filter((name) => name.startsWith("segment-"))).toEqual([]);
  });

  it("recovers from a torn line a crash left at the end of the spill", async () => {
    const directory = await folder();
    const t = topic(1);
    const first = bus();
    first.switchable.setMode("down");
    const before = await start(first.switchable, new FsEventSpill({ directory }), [t]);
    before.publish(t, events(0, 12_000));
    await before.close(20);
    const segments = (await readdir(directory)).filter((name) => name.startsWith("segment-")).sort();
    const tail = segments.at(-1);
    if (!tail) throw new Error("no segment written");
    await appendFile(join(directory, tail), '{"sequence":12000,"topic":"spill.fs');

    const second = bus();
    const received = await collect(second.inner, t);
    const after = await start(second.switchable, new FsEventSpill({ directory }), [t]);
    expect(after.stats().recovered).toBe(12_000);
    expect(await after.flush(20_000)).toBe(true);
    await waitFor(() => received.length === 12_000, { timeoutMs: 20_000 });
    expect(received.map((event) => event.payload.seq)).toEqual(range(0, 12_000));
  });

  it("spills a send the bus never answered at close; the next run delivers it (at least once)", async () => {
    const directory = await folder();
    const t = topic(1);
    const first = bus();
    first.switchable.setMode("hold");
    const before = await start(first.switchable, new FsEventSpill({ directory }), [t]);
    before.publish(t, events(0, 300));
    await waitFor(() => first.switchable.held === 1);
    before.publish(t, events(300, 200));
    await before.close(20);
    expect(await new FsEventSpill({ directory }).size()).toBe(500);

    const second = bus();
    const received = await collect(second.inner, t);
    const after = await start(second.switchable, new FsEventSpill({ directory }), [t]);
    expect(await after.flush(10_000)).toBe(true);
    await waitFor(() => received.length === 500);
    expect(received.map((event) => event.payload.seq)).toEqual(range(0, 500));
  });
});
