import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryFeatureCache } from "../embedded/memory-feature-cache";
import type { LogFn, Logger } from "../ports/logger";
import {
  FEATURE_CACHE_TTL_SECONDS,
  featureCacheKey,
  readFeatureVector,
  unwritableVector,
  writeFeatureVector,
} from "./feature-cache-entry";
import { type FeatureVector, featureVectorSchema } from "./feature-vector";

const vector: FeatureVector = {
  symbol: "AAPL",
  timeframe: "1min",
  timestamp: "2025-10-21T14:30:00.000Z",
  features: { price: 175.23, returns_1: 0.0123, rsi_14: 45.3, macd: -0.012 },
  version: "v1.0",
};
const key = "feature:AAPL:1min:v1.0";

function recordingLogger(): { logger: Logger; warnings: unknown[][] } {
  const warnings: unknown[][] = [];
  const ignore: LogFn = () => {};
  const warn: LogFn = (...args: unknown[]) => {
    warnings.push(args);
  };
  const logger: Logger = { debug: ignore, info: ignore, warn, error: ignore, child: () => logger };
  return { logger, warnings };
}

describe("feature cache entries", () => {
  const clock = new ManualClock(Date.parse("2025-10-21T14:30:00Z"));
  const cache = new MemoryFeatureCache({ clock });

  afterEach(async () => {
    await cache.delete(key);
  });

  afterAll(() => cache.close());

  it("uses the spec's key pattern feature:{symbol}:{timeframe}:{version}", () => {
    expect(featureCacheKey("AAPL", "1min", "v1.0")).toBe(key);
    expect(featureCacheKey("BRK.B", "1hour", "v2.1")).toBe("feature:BRK.B:1hour:v2.1");
  });

  it("refuses key parts that would collide: empty or containing ':'", () => {
    expect(() => featureCacheKey("", "1min", "v1.0")).toThrow(RangeError);
    expect(() => featureCacheKey("A:B", "1min", "v1.0")).toThrow(RangeError);
    expect(() => featureCacheKey("AAPL", "1min", "v1:0")).toThrow(RangeError);
  });

  it("writes the spec's JSON payload with a 300 s time-to-live", async () => {
    await writeFeatureVector(cache, vector);
    const raw = await cache.get(key);
    expect(JSON.parse(raw ?? "null")).toEqual({
      symbol: "AAPL",
      timeframe: "1min",
      timestamp: "2025-10-21T14:30:00.000Z",
      features: { price: 175.23, returns_1: 0.0123, rsi_14: 45.3, macd: -0.012 },
      version: "v1.0",
      ttl: 300,
    });
    expect(FEATURE_CACHE_TTL_SECONDS).toBe(300);
    expect(await cache.ttl(key)).toBe(300);
  });

  it("reads back exactly what it wrote, until the entry expires", async () => {
    await writeFeatureVector(cache, vector);
    expect(await readFeatureVector(cache, "AAPL", "1min", "v1.0")).toEqual({ status: "hit", vector });
    expect(await readFeatureVector(cache, "AAPL", "1min", "v0.9")).toEqual({ status: "miss" });
    clock.advance(300_000);
    expect(await readFeatureVector(cache, "AAPL", "1min", "v1.0")).toEqual({ status: "miss" });
  });

  it("refuses to write a vector JSON could not carry (a NaN would come back as null)", async () => {
    await expect(writeFeatureVector(cache, { ...vector, features: { price: Number.NaN } })).rejects.toThrow(TypeError);
    await expect(writeFeatureVector(cache, { ...vector, timestamp: "yesterday" })).rejects.toThrow(TypeError);
    expect(await cache.get(key)).toBeNull();
  });

  const corrupt: [string, string, RegExp][] = [
    ["not JSON", "{not json", /not JSON/],
    ["a truncated payload", JSON.stringify(vector).slice(0, 40), /not JSON/],
    ["a missing field", JSON.stringify({ ...vector, ttl: 300, features: undefined }), /features/],
    ["a non-numeric feature", JSON.stringify({ ...vector, ttl: 300, features: { price: "175" } }), /features/],
    [
      "a NaN feature serialised as null",
      JSON.stringify({ ...vector, ttl: 300, features: { price: null } }),
      /features/,
    ],
    ["a bad timestamp", JSON.stringify({ ...vector, ttl: 300, timestamp: "21/10/2025" }), /timestamp/],
    ["another symbol's vector", JSON.stringify({ ...vector, ttl: 300, symbol: "MSFT" }), /symbol is "MSFT"/],
    ["another version's vector", JSON.stringify({ ...vector, ttl: 300, version: "v0.9" }), /version is "v0.9"/],
  ];

  it.each(corrupt)("treats %s as a miss and reports it, never as a hit", async (_label, raw, problem) => {
    await cache.set(key, raw, 60);
    const { logger, warnings } = recordingLogger();
    const read = await readFeatureVector(cache, "AAPL", "1min", "v1.0", { logger });
    expect(read.status).toBe("corrupt");
    if (read.status !== "corrupt") return;
    expect(read.key).toBe(key);
    expect(read.problem).toMatch(problem);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.[0]).toMatchObject({ key, problem: read.problem });
  });
});

describe("the hand-written write check", () => {
  const bad: [string, unknown][] = [
    ["empty symbol", { ...vector, symbol: "" }],
    ["unknown timeframe", { ...vector, timeframe: "2min" }],
    ["timestamp not ISO", { ...vector, timestamp: "yesterday" }],
    ["timestamp with an offset", { ...vector, timestamp: "2025-10-21T14:30:00+02:00" }],
    ["impossible date", { ...vector, timestamp: "2025-13-45T14:30:00.000Z" }],
    ["NaN", { ...vector, features: { price: Number.NaN } }],
    ["infinity", { ...vector, features: { price: Number.POSITIVE_INFINITY } }],
    ["string value", { ...vector, features: { price: "1" } }],
    ["feature name in capitals", { ...vector, features: { Price: 1 } }],
    ["empty version", { ...vector, version: "" }],
    ["features not an object", { ...vector, features: null }],
  ];
  const good: [string, FeatureVector][] = [
    ["a full vector", vector],
    ["no features yet", { ...vector, features: {} }],
    ["no fraction of a second", { ...vector, timestamp: "2025-10-21T14:30:00Z" }],
  ];

  it.each(bad)("refuses what the schema refuses: %s", (_, candidate) => {
    expect(featureVectorSchema.safeParse(candidate).success).toBe(false);
    expect(unwritableVector(candidate as FeatureVector)).not.toBeNull();
  });

  it.each(good)("accepts what the schema accepts: %s", (_, candidate) => {
    expect(featureVectorSchema.safeParse(candidate).success).toBe(true);
    expect(unwritableVector(candidate)).toBeNull();
  });
});
