import {
  type Bar,
  BufferedPublisher,
  type DeliveredEvent,
  InProcessEventBus,
  type InstrumentRecord,
  type Logger,
  type MarketDataRepository,
  MemoryEventSpill,
  marketBarsTopic,
  type RejectedInput,
  RejectionCounter,
  silentLogger,
} from "@tradeops/core";
import { afterEach, describe, expect, it } from "vitest";
import { MarketDataSink } from "./market-data-sink";

const t0 = Date.parse("2026-01-05T14:30:00Z");
const bar = (symbol: string, minute: number): Bar => ({
  symbol,
  timeframe: "1min",
  time: t0 + minute * 60_000,
  open: 10,
  high: 11,
  low: 9,
  close: 10.5,
  volume: 100,
});

/**
 * The market-data port in memory, honestly: instruments must be registered before their bars (the
 * table's foreign key), a bar already stored under (symbol, timeframe, time) is not stored again.
 * `gate` lets a test hold writes back, `failNext` makes writes fail.
 */
class MemoryMarketData implements Pick<MarketDataRepository, "upsertInstruments" | "upsertBars" | "knownSymbol"> {
  readonly instruments = new Map<string, InstrumentRecord>();
  readonly bars = new Map<string, Bar>();
  readonly calls: string[] = [];
  gate: Promise<void> | undefined;
  failNext = 0;

  async upsertInstruments(instruments: readonly InstrumentRecord[]): Promise<void> {
    this.calls.push(`instruments ${instruments.map((i) => i.symbol).join(",")}`);
    for (const instrument of instruments) this.instruments.set(instrument.symbol, instrument);
  }

  async knownSymbol(symbol: string): Promise<boolean> {
    return this.instruments.has(symbol);
  }

  async upsertBars(bars: readonly Bar[]): Promise<number> {
    await this.gate;
    this.calls.push(`bars ${bars.length}`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("database unavailable");
    }
    let written = 0;
    for (const b of bars) {
      if (!this.instruments.has(b.symbol)) throw new Error(`foreign key: ${b.symbol} is not an instrument`);
      const key = `${b.symbol}|${b.timeframe}|${b.time}`;
      if (this.bars.has(key)) continue;
      this.bars.set(key, b);
      written++;
    }
    return written;
  }
}

/** Keeps what is logged, for the checks on rejection logging. */
function recordingLogger(lines: { level: string; fields: Record<string, unknown> }[]): Logger {
  const at =
    (level: string) =>
    (fields: Record<string, unknown> | string): void => {
      lines.push({ level, fields: typeof fields === "string" ? { message: fields } : fields });
    };
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setUp(
  options: { maxQueuedBars?: number; writeBatch?: number; registered?: string[]; logger?: Logger } = {},
) {
  const bus = new InProcessEventBus();
  const publisher = new BufferedPublisher({ bus, spill: new MemoryEventSpill() });
  await publisher.start();
  const delivered: DeliveredEvent<Bar>[] = [];
  const subscription = await bus.subscribe({
    topic: marketBarsTopic,
    groupId: "test",
    fromBeginning: true,
    handler: async (event) => {
      delivered.push(event);
    },
  });
  closers.push(async () => {
    await subscription.stop();
    await publisher.close();
    await bus.close();
  });
  const marketData = new MemoryMarketData();
  const counter = new RejectionCounter();
  const recorded: RejectedInput[] = [];
  const sink = new MarketDataSink({
    publisher,
    marketData,
    rejections: { counter, recorder: { add: (r) => recorded.push(r) } },
    instruments: { QXAB: { symbol: "QXAB", sector: "energy", name: "Qxab Oil" } },
    logger: options.logger ?? silentLogger,
    ...(options.registered ? { registered: options.registered } : {}),
    ...(options.maxQueuedBars === undefined ? {} : { maxQueuedBars: options.maxQueuedBars }),
    ...(options.writeBatch === undefined ? {} : { writeBatch: options.writeBatch }),
  });
  return { sink, marketData, delivered, counter, recorded };
}

describe("MarketDataSink", () => {
  it("publishes bars keyed by symbol at their completion time and stores them after registering new symbols", async () => {
    const { sink, marketData, delivered } = await setUp({ registered: ["KNWN"] });
    // KNWN is registered already, as the simulator's universe is before its first bar. OLDS is an
    // instrument from earlier runs: its sector must survive; QXAB's mapping wins over its old row.
    marketData.instruments.set("KNWN", { symbol: "KNWN", sector: "technology", name: "Known" });
    marketData.instruments.set("OLDS", { symbol: "OLDS", sector: "utilities", name: "Old Power" });
    marketData.instruments.set("QXAB", { symbol: "QXAB", sector: "materials", name: "Stale" });
    await sink.bars([bar("OLDS", 0)]);
    await sink.drain();
    expect(marketData.instruments.get("OLDS")).toEqual({ symbol: "OLDS", sector: "utilities", name: "Old Power" });
    marketData.calls.length = 0;
    await sink.bars([bar("QXAB", 0), bar("NEWS", 0), bar("KNWN", 0)], { backfill: true });
    await sink.bars([bar("QXAB", 1), bar("NEWS", 1), bar("KNWN", 1)]);
    await sink.drain();
    expect(marketData.calls).toEqual(["instruments QXAB,NEWS", "bars 3", "bars 3"]);
    expect(marketData.instruments.get("QXAB")).toEqual({ symbol: "QXAB", sector: "energy", name: "Qxab Oil" });
    expect(marketData.instruments.get("NEWS")).toEqual({ symbol: "NEWS", sector: "unknown", name: "NEWS" });
    expect(marketData.bars.size).toBe(7);

    await expect.poll(() => delivered.length).toBe(7);
    // Ordered per key (symbol), which is what the bus promises.
    for (const symbol of ["QXAB", "NEWS", "KNWN"]) {
      expect(
        delivered.filter((e) => e.key === symbol).map((e) => [e.payload, e.timestamp - t0, e.headers.backfill ?? "-"]),
      ).toEqual([
        [bar(symbol, 0), 60_000, "true"],
        [bar(symbol, 1), 120_000, "-"],
      ]);
    }
    expect(sink.stats()).toEqual({ bars: 7, stored: 7, queued: 0, storeFailures: 0, rejected: 0 });
  });

  it("stores idempotently and keeps going after a failed write", async () => {
    const { sink, marketData } = await setUp({ writeBatch: 2 });
    marketData.failNext = 1;
    await sink.bars([bar("QXAB", 0), bar("QXAB", 1), bar("QXAB", 2)]);
    await sink.drain();
    // The first batch of two failed; the third bar went through.
    expect([...marketData.bars.keys()].map((key) => key.split("|")[2])).toEqual([String(t0 + 120_000)]);
    await sink.bars([bar("QXAB", 0), bar("QXAB", 1), bar("QXAB", 2)]);
    await sink.drain();
    expect(marketData.bars.size).toBe(3);
    expect(sink.stats()).toMatchObject({ bars: 6, stored: 4, storeFailures: 1 });
  });

  it("makes a source that can wait wait while too many bars are queued for the database", async () => {
    const { sink, marketData } = await setUp({ maxQueuedBars: 3, writeBatch: 2 });
    let open: () => void = () => {};
    marketData.gate = new Promise((resolve) => {
      open = resolve;
    });
    // The first bar starts a write (held at the gate); the queue then holds 4 > 3.
    expect(sink.bars([bar("QXAB", 0)])).toBeUndefined();
    const waiting = sink.bars([bar("QXAB", 1), bar("QXAB", 2), bar("QXAB", 3), bar("QXAB", 4)]);
    expect(waiting).toBeInstanceOf(Promise);
    let released = false;
    void waiting?.then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(released).toBe(false);
    open();
    await waiting;
    expect(sink.stats().queued).toBeLessThanOrEqual(3);
    await sink.drain();
    expect(marketData.bars.size).toBe(5);
  });

  it("counts every rejection, queues it for the dead letter, and logs the 1st, 10th, 100th of a kind", async () => {
    const lines: { level: string; fields: Record<string, unknown> }[] = [];
    const { sink, counter, recorded } = await setUp({ logger: recordingLogger(lines) });
    const rejection: RejectedInput = {
      receivedAt: 1,
      source: "replay",
      reason: "malformed",
      raw: "x",
      detail: "price: expected number",
    };
    for (let i = 0; i < 120; i++) sink.rejected(rejection);
    sink.rejected({ ...rejection, source: "websocket", reason: "late" });
    expect(counter.count("replay", "malformed")).toBe(120);
    expect(counter.count("websocket", "late")).toBe(1);
    expect(recorded).toHaveLength(121);
    expect(lines.filter((l) => l.level === "warn").map((l) => [l.fields.source, l.fields.count])).toEqual([
      ["replay", 1],
      ["replay", 10],
      ["replay", 100],
      ["websocket", 1],
    ]);
    expect(sink.stats().rejected).toBe(121);
  });
});
