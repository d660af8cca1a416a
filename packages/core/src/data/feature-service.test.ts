import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryFeatureCache } from "../embedded/memory-feature-cache";
import {
  batchCompute,
  FEATURE_CACHE_TTL_SECONDS,
  FEATURE_PIPELINE_VERSION,
  type FeatureVector,
  featureCacheKey,
  featureDefinitions,
  writeFeatureVector,
} from "../features/index";
import { type Bar, barEndTime } from "../market/bar";
import { silentLogger } from "../ports/logger";
import { FeaturesUnavailableError, NoFeatureDataError, UnknownSymbolError } from "./feature-errors";
import { FeatureService } from "./feature-service";
import { MemoryBarReader } from "./testing/memory-bar-reader";
import { minuteBars } from "./testing/minute-bars";
import { SwitchableFeatureCache } from "./testing/switchable-feature-cache";
import { aggregateBars } from "./timeframe-aggregator";

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 5, 0, 0);
/** Longer than the warm-up window, so a recomputation really starts mid-history. */
const history = minuteBars({ symbol: "ABC", start: t0, count: 3_000, seed: 21 });
const historyEnd = t0 + 3_000 * minute;

/** Running totals (OBV): relative to the first bar fed, so only present, never equal, across windows. */
const cumulative = new Set(featureDefinitions.filter((d) => d.window === "cumulative").map((d) => d.name));

/**
 * A window-based recomputation against a pipeline fed the whole history: the same feature set,
 * each value within the 1e-6 features are judged to (relative, for values far from 1).
 */
function expectSameFeatures(actual: FeatureVector, expected: FeatureVector | undefined) {
  expect(expected).toBeDefined();
  if (expected === undefined) return;
  expect(actual.timestamp).toBe(expected.timestamp);
  expect(actual.version).toBe(expected.version);
  expect(Object.keys(actual.features).sort()).toEqual(Object.keys(expected.features).sort());
  for (const [name, value] of Object.entries(expected.features)) {
    if (cumulative.has(name)) continue;
    const got = actual.features[name] ?? Number.NaN;
    expect(Math.abs(got - value), name).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(value)));
  }
}

/** The vector a pipeline fed `bars` from the first computes for the bar ending at `end`. */
function fullHistoryVector(bars: readonly Bar[], end: number): FeatureVector | undefined {
  const vectors = batchCompute(bars);
  return vectors.find((vector) => Date.parse(vector.timestamp) === end);
}

let clock: ManualClock;
let memory: MemoryFeatureCache;
let cache: SwitchableFeatureCache;
let bars: MemoryBarReader;

function service(options: { warmupBars?: number } = {}) {
  return new FeatureService({ cache, bars, clock, logger: silentLogger }, options);
}

beforeEach(() => {
  clock = new ManualClock(historyEnd + 30_000);
  memory = new MemoryFeatureCache({ clock });
  cache = new SwitchableFeatureCache(memory);
  bars = new MemoryBarReader(["ABC", "EMPTY"]);
  bars.add(history);
});

describe("FeatureService, latest", () => {
  it("recomputes a miss from the warm-up window of stored bars and writes it back with the spec's key and TTL", async () => {
    const features = service();
    const result = await features.get("ABC", "1min");
    expect(result.cacheHit).toBe(false);
    expectSameFeatures(result.vector, fullHistoryVector(history, historyEnd));
    // One read of exactly the warm-up window, ending at the newest bar.
    expect(bars.reads).toEqual([
      { method: "barsBefore", timeframe: "1min", size: features.warmupBars, returned: features.warmupBars },
    ]);
    const key = featureCacheKey("ABC", "1min", FEATURE_PIPELINE_VERSION);
    expect(key).toBe(`feature:ABC:1min:${FEATURE_PIPELINE_VERSION}`);
    expect(await memory.ttl(key)).toBe(FEATURE_CACHE_TTL_SECONDS);
    const payload = JSON.parse((await memory.get(key)) ?? "null");
    expect(payload).toEqual({ ...result.vector, ttl: 300 });
    expect(features.cacheCounts()).toEqual({ hit: 0, miss: 1, error: 0 });
  });

  it("serves a cache hit without touching the database", async () => {
    const cached: FeatureVector = {
      symbol: "ABC",
      timeframe: "1min",
      timestamp: new Date(historyEnd).toISOString(),
      features: { price: 123.5 },
      version: FEATURE_PIPELINE_VERSION,
    };
    await writeFeatureVector(memory, cached);
    bars.failing = true;
    const features = service();
    expect(await features.get("ABC", "1min")).toEqual({ vector: cached, cacheHit: true });
    expect(bars.reads).toEqual([]);
    expect(features.cacheCounts()).toEqual({ hit: 1, miss: 0, error: 0 });
  });

  it("treats a corrupt entry as a miss and replaces it", async () => {
    await memory.set(featureCacheKey("ABC", "1min", FEATURE_PIPELINE_VERSION), "{not json", 300);
    const features = service();
    expect((await features.get("ABC", "1min")).cacheHit).toBe(false);
    expect((await features.get("ABC", "1min")).cacheHit).toBe(true);
    expect(features.cacheCounts()).toEqual({ hit: 1, miss: 1, error: 0 });
  });

  it("keeps serving by computation while the cache is down, and serves from it again once it is back", async () => {
    const features = service();
    cache.down = true;
    const first = await features.get("ABC", "1min");
    const second = await features.get("ABC", "1min");
    expect([first.cacheHit, second.cacheHit]).toEqual([false, false]);
    expect(second.vector).toEqual(first.vector);
    // Nothing reached the cache while it was down: no write-back was attempted.
    expect(cache.calls).toEqual([]);
    expect(features.cacheCounts()).toEqual({ hit: 0, miss: 0, error: 2 });

    cache.down = false;
    expect((await features.get("ABC", "1min")).cacheHit).toBe(false);
    expect(await features.get("ABC", "1min")).toEqual({ vector: first.vector, cacheHit: true });
    expect(features.cacheCounts()).toEqual({ hit: 1, miss: 1, error: 2 });
  });

  it("cannot serve (503) only when the cache cannot and the stored bars cannot be read either", async () => {
    const features = service();
    bars.failing = true;
    await expect(features.get("ABC", "1min")).rejects.toThrow(
      /the feature cache has no entry and the stored bars cannot be read \(database unreachable\)/,
    );
    cache.down = true;
    const error = await features.get("ABC", "1min").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FeaturesUnavailableError);
    expect(String(error)).toMatch(/the feature cache failed \(feature cache unreachable.*\) and the stored bars/);
  });

  it("tells an unknown symbol from a known one without data, and refuses another pipeline version", async () => {
    const features = service();
    await expect(features.get("NOPE", "1min")).rejects.toBeInstanceOf(UnknownSymbolError);
    const empty = await features.get("EMPTY", "1min").catch((caught: unknown) => caught);
    expect(empty).toBeInstanceOf(NoFeatureDataError);
    expect(String(empty)).toMatch(/no 1min features for EMPTY: no complete 1min bar stored yet/);
    const version = await features.get("ABC", "1min", { version: "v0.1" }).catch((caught: unknown) => caught);
    expect(version).toBeInstanceOf(NoFeatureDataError);
    expect(String(version)).toContain(`version v0.1 has no data (current: ${FEATURE_PIPELINE_VERSION})`);
    // The current version named explicitly is the default.
    expect((await features.get("ABC", "1min", { version: FEATURE_PIPELINE_VERSION })).vector.version).toBe(
      FEATURE_PIPELINE_VERSION,
    );
  });

  it("serves 5-minute and 1-hour vectors from bars aggregated from the stored minutes", async () => {
    const features = service();
    for (const timeframe of ["5min", "1hour"] as const) {
      const result = await features.get("ABC", timeframe);
      const aggregated = aggregateBars(history, timeframe);
      const last = aggregated.at(-1);
      if (last === undefined) throw new Error("no aggregated bar");
      // 3,000 minutes from midnight: the last 5-minute and 1-hour buckets are both complete.
      expect(barEndTime(last)).toBe(historyEnd);
      expectSameFeatures(result.vector, fullHistoryVector(aggregated, historyEnd));
    }
  });
});

describe("FeatureService, as of a timestamp", () => {
  /** End time of history bar i. */
  const endOf = (i: number) => t0 + (i + 1) * minute;

  it("answers with the features of the last bar completed at or before the timestamp", async () => {
    const features = service();
    const full = batchCompute(history);
    for (const [at, bar] of [
      [endOf(2_000), 2_000],
      [endOf(2_000) + minute - 1, 2_000],
      [endOf(2_000) - 1, 1_999],
      [endOf(2_999) + 86_400_000, 2_999],
    ] as const) {
      const result = await features.get("ABC", "1min", { timestamp: at });
      expect(result.cacheHit).toBe(false);
      expectSameFeatures(result.vector, full[bar]);
    }
    expect(features.cacheCounts()).toEqual({ hit: 0, miss: 4, error: 0 });
  });

  it("gives the same answer whatever was stored after the timestamp (no lookahead)", async () => {
    const at = endOf(1_500) + 17_000;
    const before = await service().get("ABC", "1min", { timestamp: at });
    // Replace everything after the timestamp by a different market, and add more of it.
    bars = new MemoryBarReader(["ABC"]);
    const later = minuteBars({ symbol: "ABC", start: t0 + 1_501 * minute, count: 3_000, seed: 99, startPrice: 50 });
    bars.add([...history.slice(0, 1_501), ...later]);
    const after = await service().get("ABC", "1min", { timestamp: at });
    expect(after.vector).toEqual(before.vector);
    expect(after.vector.timestamp).toBe(new Date(endOf(1_500)).toISOString());
  });

  it("serves the cache only when its entry is exactly that bar's vector", async () => {
    const features = service();
    await features.get("ABC", "1min");
    // The cache now holds the newest bar's vector.
    expect((await features.get("ABC", "1min", { timestamp: endOf(2_999) })).cacheHit).toBe(true);
    expect((await features.get("ABC", "1min", { timestamp: endOf(2_999) + 59_999 })).cacheHit).toBe(true);
    expect((await features.get("ABC", "1min", { timestamp: endOf(2_998) })).cacheHit).toBe(false);
    expect(features.cacheCounts()).toEqual({ hit: 2, miss: 2, error: 0 });
  });

  it("has no data before the first bar completes, and cannot serve without the database", async () => {
    const features = service();
    const early = await features.get("ABC", "1min", { timestamp: endOf(0) - 1 }).catch((caught: unknown) => caught);
    expect(early).toBeInstanceOf(NoFeatureDataError);
    expect(String(early)).toContain("no complete 1min bar ending at or before 2026-01-05T00:00:59.999Z");
    expect((await features.get("ABC", "1min", { timestamp: endOf(0) })).vector.features.price).toBe(history[0]?.close);
    await expect(features.get("NOPE", "1min", { timestamp: endOf(10) })).rejects.toBeInstanceOf(UnknownSymbolError);
    await features.get("ABC", "1min");
    bars.failing = true;
    // Even a cache entry cannot be served as of a time when the stored bars cannot say which bar that is.
    await expect(features.get("ABC", "1min", { timestamp: endOf(2_999) })).rejects.toThrow(
      /the cached vector cannot be checked against the stored bars and the stored bars cannot be read/,
    );
    await expect(features.get("ABC", "1min", { timestamp: -5 })).rejects.toBeInstanceOf(RangeError);
  });

  it("aggregates only complete buckets: one with its last minutes missing counts once the clock passes its end", async () => {
    // 14 minutes: buckets 00:00-00:05 and 00:05-00:10 complete, 00:10-00:15 has 4 of its 5 minutes.
    bars = new MemoryBarReader(["GAP"]);
    const minutes = minuteBars({ symbol: "GAP", start: t0, count: 14, seed: 5 });
    bars.add(minutes);
    clock = new ManualClock(t0 + 14 * minute);
    const features = service({ warmupBars: 50 });
    const latest = await features.get("GAP", "5min");
    expect(latest.vector.timestamp).toBe(new Date(t0 + 10 * minute).toISOString());
    // As of a time after the bucket's end, with the clock still before it: the later minute that
    // would prove it complete is not there.
    const future = await features.get("GAP", "5min", { timestamp: t0 + 60 * minute });
    expect(future.vector.timestamp).toBe(new Date(t0 + 10 * minute).toISOString());
    clock.set(t0 + 15 * minute);
    const complete = await features.get("GAP", "5min", { timestamp: t0 + 60 * minute });
    expect(complete.vector.timestamp).toBe(new Date(t0 + 15 * minute).toISOString());
    expect(complete.vector.features.price).toBe(minutes[13]?.close);
    // A minute of a later bucket also proves it complete, whatever the clock.
    bars.add(minuteBars({ symbol: "GAP", start: t0 + 20 * minute, count: 1, seed: 6 }));
    clock = new ManualClock(t0);
    const proven = await service({ warmupBars: 50 }).get("GAP", "5min", { timestamp: t0 + 60 * minute });
    expect(proven.vector.timestamp).toBe(new Date(t0 + 15 * minute).toISOString());
  });

  it("has a long window of minutes aggregated by the repository in one read", async () => {
    bars = new MemoryBarReader(["LONG"]);
    const minutes = minuteBars({ symbol: "LONG", start: t0, count: 60_000, seed: 9 });
    bars.add(minutes);
    clock = new ManualClock(t0 + 60_000 * minute);
    const features = service({ warmupBars: 900 });
    const result = await features.get("LONG", "1hour", { timestamp: t0 + 60_000 * minute });
    expect(result.vector.timestamp).toBe(new Date(t0 + 60_000 * minute).toISOString());
    // 901 hours of minutes (one spare in case the first is cut), aggregated where they are stored.
    expect(bars.reads.filter((read) => read.method === "minuteBucketsBefore").map((read) => read.size)).toEqual([
      54_060,
    ]);
    expect(bars.reads.filter((read) => read.method === "barsBefore" && read.timeframe === "1min")).toEqual([]);
    const aggregated = aggregateBars(minutes.slice(-900 * 60), "1hour");
    expect(result.vector).toEqual(batchCompute(aggregated).at(-1));
  });

  it("reads a timeframe's own stored bars when the symbol has them", async () => {
    const stored = aggregateBars(history, "1hour").map((bar) => ({ ...bar, close: bar.close * 2, high: bar.high * 2 }));
    bars.add(stored);
    const result = await service().get("ABC", "1hour", { timestamp: historyEnd });
    expect(result.vector.features.price).toBe(stored.at(-1)?.close);
  });
});
