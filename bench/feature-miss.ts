import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Bar,
  defaultUniverse,
  FeatureService,
  ManualClock,
  MarketSimulator,
  MemoryFeatureCache,
  type Timeframe,
} from "@tradeops/core";
import { createLogger, openDatabase } from "@tradeops/infra";
import { startEmbeddedPostgres } from "./lib/platform";
import { report, summarise } from "./lib/stats";

/**
 * Target: on a feature-cache miss the vector is recomputed from the stored bars, P95 < 200 ms.
 * Stores 100,000 one-minute bars of one symbol (about ten weeks of a 24-hour market), then asks
 * for the vector as of random times in the last half of that history, with an empty cache, per
 * timeframe: 1min reads the warm-up window as stored; 5min and 1hour have the database aggregate
 * the minutes (about 65,000 of them for a 1-hour vector). Embedded PostgreSQL (PGlite) by default,
 * a PostgreSQL server with BENCH_DATABASE_URL (a scratch database: bars are added to it).
 *   node --import tsx bench/feature-miss.ts
 *   BENCH_DATABASE_URL=postgresql://tradeops:tradeops@127.0.0.1:5432/missbench node --import tsx bench/feature-miss.ts
 */
const storedBars = Number(process.env.BENCH_BARS ?? 100_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 60);
const start = Date.UTC(2026, 0, 5, 0, 0);

const external = process.env.BENCH_DATABASE_URL;
const embedded = external
  ? undefined
  : await startEmbeddedPostgres(join(mkdtempSync(join(tmpdir(), "tradeops-bench-")), "pg"), 54470);
const url = external ?? embedded?.url ?? "";
const logger = createLogger({ name: "bench", level: "warn" });
const database = await openDatabase({ url, poolMax: 4, migrate: true, logger });
try {
  const bars = database.repositories.marketData;
  const [instrument] = defaultUniverse(1);
  if (instrument === undefined) throw new Error("no instrument");
  const { symbol } = instrument;
  await bars.upsertInstruments([{ symbol, name: instrument.name, sector: instrument.sector }]);
  const simulator = new MarketSimulator({ seed: 11, symbols: 1, startTime: start });
  let batch: Bar[] = [];
  for (let i = 0; i < storedBars; i++) {
    batch.push(...simulator.nextBars());
    if (batch.length >= 10_000) {
      await bars.upsertBars(batch);
      batch = [];
    }
  }
  await bars.upsertBars(batch);
  const end = start + storedBars * 60_000;
  const clock = new ManualClock(end);
  const service = new FeatureService({ cache: new MemoryFeatureCache({ clock }), bars, clock, logger });
  console.log(`${storedBars} one-minute bars stored; warm-up window ${service.warmupBars} bars per vector`);

  for (const timeframe of ["1min", "5min", "1hour"] satisfies Timeframe[]) {
    const latencies: number[] = [];
    for (let i = 0; i < requests + 5; i++) {
      // Deterministic times spread over the second half of the history, each a different bar.
      const at = end - Math.floor((((i * 7919) % 1000) / 1000) * (storedBars / 2)) * 60_000;
      const started = performance.now();
      const result = await service.get(symbol, timeframe, { timestamp: at });
      if (result.cacheHit) throw new Error("a miss was expected");
      if (i >= 5) latencies.push(performance.now() - started);
    }
    console.log(
      report(`feature recompute on a miss, ${timeframe}`, summarise(latencies), {
        database: external ? "PostgreSQL" : "embedded",
      }),
    );
  }
} finally {
  await database.close();
  await embedded?.stop();
}
