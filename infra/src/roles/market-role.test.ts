import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  type Bar,
  ConfigError,
  type DeliveredEvent,
  defaultUniverse,
  marketBarsTopic,
  RejectionCounter,
  silentLogger,
} from "@tradeops/core";
import { createPrismaClient, type EmbeddedPostgres, type PrismaClient, startEmbeddedPostgres } from "@tradeops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createResources } from "../runtime/create-resources";
import { type Database, openDatabase } from "../runtime/database";
import { ProcessServices } from "../runtime/process-services";
import { runtimeEnvShape } from "../runtime/runtime-env";
import { badSampleRejections, sampleSessions, sampleSymbols } from "../sources/sample-data";
import { TestFeed } from "../sources/test-feed";
import { createMarketRole } from "./market-role";

/*
 * The market role end to end in embedded mode: the real in-process bus, the real publisher, and
 * the real repositories on an embedded PostgreSQL (PGlite), migrated as a process migrates it.
 */

const samples = resolve(import.meta.dirname, "../../sample-data");
let folder = "";
let postgres: EmbeddedPostgres;
let database: Database;
let prisma: PrismaClient;
let runs = 0;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "market-role-"));
  postgres = await startEmbeddedPostgres({ dataDir: join(folder, "db"), port: 0 });
  database = await openDatabase({ url: postgres.connectionString, poolMax: 4, migrate: true, logger: silentLogger });
  prisma = createPrismaClient({ connectionString: postgres.connectionString, poolMax: 2 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.close();
  await postgres?.stop();
  await rm(folder, { recursive: true, force: true });
});

/**
 * Runs the market role as a process would host it, with a subscriber on market.bars.v1, until
 * `until` holds; then stops the role (which drains storage and the dead letter) and the process.
 */
async function runMarketRole(
  variables: Record<string, string>,
  until: (delivered: readonly DeliveredEvent<Bar>[]) => boolean,
  rejections = new RejectionCounter(),
) {
  runs++;
  const env = z.object(runtimeEnvShape).parse({
    ...variables,
    LOG_LEVEL: "silent",
    EVENT_SPILL_DIR: join(folder, `spill-${runs}`),
    MODEL_STORE_DIR: join(folder, "models"),
  });
  const resources = createResources(env, silentLogger);
  const services = new ProcessServices({
    env,
    resources,
    repositories: database.repositories,
    logger: silentLogger,
    spillName: "test",
  });
  const delivered: DeliveredEvent<Bar>[] = [];
  const subscription = await resources.bus.subscribe({
    topic: marketBarsTopic,
    groupId: "market-role-test",
    fromBeginning: true,
    handler: async (event) => {
      delivered.push(event);
    },
  });
  try {
    const running = await createMarketRole({ rejections }).start({
      env,
      resources,
      database,
      services,
      logger: silentLogger,
    });
    await expect.poll(() => until(delivered), { timeout: 20_000 }).toBe(true);
    await running.stop();
  } finally {
    await subscription.stop();
    await services.close();
    await resources.close();
  }
  return { delivered, rejections };
}

function barsBySymbol(delivered: readonly DeliveredEvent<Bar>[]): Map<string, number[]> {
  const bySymbol = new Map<string, number[]>();
  for (const event of delivered) {
    expect(event.key).toBe(event.payload.symbol);
    bySymbol.set(event.key, [...(bySymbol.get(event.key) ?? []), event.payload.time]);
  }
  return bySymbol;
}

const storedBars = (from: number, to: number) =>
  prisma.marketBar.count({ where: { time: { gte: new Date(from), lt: new Date(to) } } });

describe("the market role", () => {
  it("replays the sample file to market.bars.v1 and market_bars, once, registering the mapped instruments", async () => {
    const day = [sampleSessions[0], sampleSessions[0] + 24 * 3_600_000] as const;
    const variables = {
      MARKET_SOURCE: "replay",
      REPLAY_FILE: join(samples, "bars-2026-01-05.csv"),
      REPLAY_SPEED: "max",
      MARKET_INSTRUMENTS_FILE: join(samples, "instruments.json"),
    };
    const first = await runMarketRole(variables, (delivered) => delivered.length === 1_950);
    const bySymbol = barsBySymbol(first.delivered);
    expect([...bySymbol.keys()].sort()).toEqual([...sampleSymbols].sort());
    for (const times of bySymbol.values()) {
      expect(times).toEqual(Array.from({ length: 390 }, (_, i) => sampleSessions[0] + i * 60_000));
    }
    expect(first.delivered[0]?.timestamp).toBe(sampleSessions[0] + 60_000);
    expect(await storedBars(...day)).toBe(1_950);
    const instruments = await prisma.instrument.findMany({
      where: { symbol: { in: [...sampleSymbols] } },
      orderBy: { symbol: "asc" },
    });
    expect(instruments.map((i) => [i.symbol, i.sector, i.name])).toEqual([
      ["BRVQ", "consumer", "Bravique Brands"],
      ["FNQR", "financials", "Finqor Bancorp"],
      ["HLVX", "healthcare", "Helivax Therapeutics"],
      ["PTRZ", "energy", "Petrazon Energy"],
      ["QVXL", "technology", "Quovexal Systems"],
    ]);

    // A second replay (a restart) publishes the file again but stores nothing twice.
    const second = await runMarketRole(variables, (delivered) => delivered.length === 1_950);
    const bySymbolAndTime = (events: readonly DeliveredEvent<Bar>[]) =>
      events.map((e) => e.payload).sort((a, b) => a.symbol.localeCompare(b.symbol) || a.time - b.time);
    expect(bySymbolAndTime(second.delivered)).toEqual(bySymbolAndTime(first.delivered));
    expect(await storedBars(...day)).toBe(1_950);
  });

  it("records the bad rows of a replay in rejected_ticks with their reasons, counted, and goes on", async () => {
    const { delivered, rejections } = await runMarketRole(
      { MARKET_SOURCE: "replay", REPLAY_FILE: join(samples, "bad-bars.jsonl"), REPLAY_SPEED: "max" },
      (bars) => bars.length === 4,
    );
    expect(delivered.map((e) => (e.payload.time - sampleSessions[0]) / 60_000)).toEqual([0, 1, 3, 5]);
    const stored = await database.repositories.rejectedTicks.recent({ limit: 100, source: "replay" });
    const counts: Record<string, number> = {};
    for (const entry of stored) counts[entry.reason] = (counts[entry.reason] ?? 0) + 1;
    expect(counts).toEqual(badSampleRejections["bad-bars.jsonl"]);
    expect(stored.find((entry) => entry.raw !== null && JSON.stringify(entry.raw).includes("not json"))).toMatchObject({
      reason: "malformed",
      raw: { file: "bad-bars.jsonl", line: 2, text: "{this is not json" },
    });
    expect(rejections.snapshot()).toEqual(
      Object.entries(badSampleRejections["bad-bars.jsonl"])
        .map(([reason, count]) => ({ source: "replay", reason, count }))
        .sort((a, b) => a.reason.localeCompare(b.reason)),
    );
  });

  it("turns a WebSocket feed's trades into stored bars and its bad messages into dead letters", async () => {
    const feed = await TestFeed.start();
    const t0 = Date.parse("2026-02-02T15:00:00Z");
    feed.onConnection((socket) => {
      const trade = (symbol: string, offsetMs: number, price: number, seq: number) =>
        JSON.stringify({ type: "trade", symbol, price, size: 10, time: t0 + offsetMs, seq });
      socket.send(trade("WSQA", 1_000, 20, 1));
      socket.send("garbage");
      socket.send(trade("WSQA", 2_000, 21, 2));
      socket.send(trade("WSQA", 2_000, 21, 2));
      socket.send(trade("WSQA", 61_000, 22, 3));
    });
    try {
      const { delivered } = await runMarketRole(
        { MARKET_SOURCE: "websocket", FEED_URL: feed.url, FEED_SYMBOLS: "WSQA" },
        (bars) => bars.length === 1,
      );
      expect(delivered[0]?.payload).toEqual({
        symbol: "WSQA",
        timeframe: "1min",
        time: t0,
        open: 20,
        high: 21,
        low: 20,
        close: 21,
        volume: 20,
      });
      expect(feed.received).toEqual([{ type: "subscribe", symbols: ["WSQA"] }]);
      expect(await storedBars(t0, t0 + 60_000)).toBe(1);
      expect(await prisma.instrument.findUnique({ where: { symbol: "WSQA" } })).toMatchObject({ sector: "unknown" });
      const dead = await database.repositories.rejectedTicks.recent({ limit: 10, source: "websocket" });
      expect(dead.map((entry) => [entry.reason, entry.symbol ?? null]).sort()).toEqual([
        ["duplicate", "WSQA"],
        ["malformed", null],
      ]);
    } finally {
      await feed.close();
    }
  });

  it("keeps the simulator's behaviour: universe registered, backfill, and continuation after a restart", async () => {
    const variables = {
      MARKET_SOURCE: "simulator",
      SIM_SYMBOLS: "3",
      SIM_BACKFILL_BARS: "4",
      SIM_BAR_INTERVAL_MS: "60000",
    };
    const first = await runMarketRole(variables, (bars) => bars.length === 12);
    expect(first.delivered.every((e) => e.headers.backfill === "true")).toBe(true);
    const universe = defaultUniverse(3).map((spec) => spec.symbol);
    expect([...barsBySymbol(first.delivered).keys()].sort()).toEqual([...universe].sort());
    const lastStored = await database.repositories.marketData.latestBarTime("1min");
    const firstLast = Math.max(...first.delivered.map((e) => e.payload.time));
    expect(lastStored).toBe(firstLast);

    const second = await runMarketRole(variables, (bars) => bars.length === 12);
    const secondTimes = second.delivered.map((e) => e.payload.time);
    // Market time never goes backwards across a restart.
    expect(Math.min(...secondTimes)).toBe(firstLast + 60_000);
  });

  it("refuses to start without the variables its source needs", async () => {
    await expect(runMarketRole({ MARKET_SOURCE: "replay" }, () => true)).rejects.toThrow(ConfigError);
    await expect(runMarketRole({ MARKET_SOURCE: "websocket" }, () => true)).rejects.toThrow(/FEED_URL/);
    await expect(
      runMarketRole({ MARKET_SOURCE: "replay", REPLAY_FILE: join(folder, "missing.csv") }, () => true),
    ).rejects.toThrow(/missing\.csv/);
  });
});
