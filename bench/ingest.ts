import {
  type Bar,
  type FeatureCache,
  FeaturePipeline,
  MarketSimulator,
  MemoryFeatureCache,
  writeFeatureVector,
} from "@tradeops/core";
import { RedisFeatureCache } from "@tradeops/infra";
import { report, summarise } from "./lib/stats";

/**
 * Target: 50,000 market-data updates per second per worker process, through the full feature
 * registry and into the feature cache, for 200 symbols. Bars are generated first (the simulator is
 * not measured), then fed in time order; every vector is written to the cache. Runs on the memory
 * cache and, with BENCH_REDIS_URL, on Redis (writes pipelined: a bar does not wait for Redis).
 *   node --import tsx bench/ingest.ts
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 node --import tsx bench/ingest.ts
 */
const symbols = Number(process.env.BENCH_SYMBOLS ?? 200);
const barsPerSymbol = Number(process.env.BENCH_BARS ?? 600);

const simulator = new MarketSimulator({ seed: 1, symbols, startTime: Date.UTC(2026, 0, 5, 14, 0) });
const steps: Bar[][] = [];
for (let i = 0; i < barsPerSymbol; i++) steps.push(simulator.nextBars());

async function run(label: string, cache: FeatureCache) {
  const pipeline = new FeaturePipeline();
  const perStepMs: number[] = [];
  const started = performance.now();
  for (const bars of steps) {
    const stepStarted = performance.now();
    const writes: Promise<void>[] = [];
    for (const bar of bars) writes.push(writeFeatureVector(cache, pipeline.update(bar)));
    perStepMs.push((performance.now() - stepStarted) / bars.length);
    // A time step's writes go out together (pipelined on Redis) and are awaited before the next
    // step, as a live process does between bar intervals; nothing waits per bar.
    await Promise.all(writes);
  }
  const seconds = (performance.now() - started) / 1000;
  const updates = symbols * barsPerSymbol;
  console.log(
    report(`ingest ${symbols} symbols, ${label} (per update)`, summarise(perStepMs), {
      updates,
      throughput: `${Math.round(updates / seconds).toLocaleString("en")} updates/s`,
    }),
  );
}

await run("memory cache", new MemoryFeatureCache({ maxEntries: 100_000 }));
if (process.env.BENCH_REDIS_URL) {
  const cache = new RedisFeatureCache({ url: process.env.BENCH_REDIS_URL, keyPrefix: `bench${Date.now()}:` });
  await run("redis cache", cache);
  await cache.close();
}
