import { z } from "zod";
import { type Timeframe, timeframes } from "../market/bar";
import type { FeatureCache } from "../ports/feature-cache";
import type { Logger } from "../ports/logger";
import { type FeatureVector, featureVectorSchema } from "./feature-vector";

/** The spec's time-to-live of a cached vector: stale features are worse than a recompute. */
export const FEATURE_CACHE_TTL_SECONDS = 300;

/**
 * The spec's key, `feature:{symbol}:{timeframe}:{version}`: one entry per series and pipeline
 * version, holding its latest vector. A part containing ':' (or empty) would make two different
 * series collide, so it is refused.
 */
export function featureCacheKey(symbol: string, timeframe: Timeframe, version: string): string {
  for (const [label, part] of [
    ["symbol", symbol],
    ["timeframe", timeframe],
    ["version", version],
  ] as const) {
    if (part.length === 0 || part.includes(":")) {
      throw new RangeError(`feature cache key ${label} must be non-empty and contain no ':', got "${part}"`);
    }
  }
  return `feature:${symbol}:${timeframe}:${version}`;
}

/** The spec's JSON value: the vector plus the TTL it was written with. */
export const featureCachePayloadSchema = featureVectorSchema.extend({
  ttl: z.number().int().positive(),
});
export type FeatureCachePayload = z.infer<typeof featureCachePayloadSchema>;

const timeframeSet: ReadonlySet<string> = new Set(timeframes);
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const featureName = /^[a-z][a-z0-9_]*$/;

/**
 * Why `vector` cannot be written (what `featureVectorSchema` would refuse), or null. Written by
 * hand because it runs for every bar of every series: the schema costs about as much as the
 * whole feature update (a test holds the two to the same verdicts).
 */
export function unwritableVector(vector: FeatureVector): string | null {
  if (typeof vector.symbol !== "string" || vector.symbol.length === 0) return "symbol must be a non-empty string";
  if (!timeframeSet.has(vector.timeframe)) return `unknown timeframe ${String(vector.timeframe)}`;
  if (
    typeof vector.timestamp !== "string" ||
    !isoInstant.test(vector.timestamp) ||
    Number.isNaN(Date.parse(vector.timestamp))
  ) {
    return `timestamp must be an ISO 8601 UTC instant, got ${String(vector.timestamp)}`;
  }
  if (typeof vector.version !== "string" || vector.version.length === 0) return "version must be a non-empty string";
  if (typeof vector.features !== "object" || vector.features === null) return "features must be an object";
  for (const name in vector.features) {
    if (!Object.hasOwn(vector.features, name)) continue;
    if (!featureName.test(name)) return `feature name ${name} is not snake_case`;
    const value = vector.features[name];
    // JSON would turn a NaN or an infinity into null: refuse to write what could not be read back.
    if (typeof value !== "number" || !Number.isFinite(value))
      return `feature ${name} is ${String(value)}, not a finite number`;
  }
  return null;
}

/** Writes `vector` as its series' latest, for FEATURE_CACHE_TTL_SECONDS. Throws on a malformed vector. */
export async function writeFeatureVector(cache: FeatureCache, vector: FeatureVector): Promise<void> {
  const problem = unwritableVector(vector);
  if (problem !== null) throw new TypeError(`not a valid feature vector: ${problem}`);
  const key = featureCacheKey(vector.symbol, vector.timeframe, vector.version);
  const payload: FeatureCachePayload = {
    symbol: vector.symbol,
    timeframe: vector.timeframe,
    timestamp: vector.timestamp,
    features: vector.features,
    version: vector.version,
    ttl: FEATURE_CACHE_TTL_SECONDS,
  };
  await cache.set(key, JSON.stringify(payload), FEATURE_CACHE_TTL_SECONDS);
}

/**
 * A read's outcome. `corrupt`: an entry exists but is not a valid payload for its key (bad
 * JSON, wrong shape, another series' vector); the caller treats it as a miss and recomputes.
 */
export type FeatureCacheRead =
  | { readonly status: "hit"; readonly vector: FeatureVector }
  | { readonly status: "miss" }
  | { readonly status: "corrupt"; readonly key: string; readonly problem: string };

export interface ReadFeatureVectorOptions {
  /** Where a corrupt entry is reported (warn, with its key and problem); default nowhere. */
  readonly logger?: Logger;
}

/** Reads a series' latest vector; a corrupt entry is never returned as a hit. */
export async function readFeatureVector(
  cache: FeatureCache,
  symbol: string,
  timeframe: Timeframe,
  version: string,
  options: ReadFeatureVectorOptions = {},
): Promise<FeatureCacheRead> {
  const key = featureCacheKey(symbol, timeframe, version);
  const raw = await cache.get(key);
  if (raw === null) return { status: "miss" };
  const result = parseEntry(raw, { symbol, timeframe, version });
  if (typeof result === "string") {
    options.logger?.warn({ key, problem: result }, "corrupt feature cache entry treated as a miss");
    return { status: "corrupt", key, problem: result };
  }
  return { status: "hit", vector: result };
}

/** The vector in `raw`, or why it is not a valid entry for the expected series and version. */
function parseEntry(
  raw: string,
  expected: { readonly symbol: string; readonly timeframe: Timeframe; readonly version: string },
): FeatureVector | string {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return `not JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  const parsed = featureCachePayloadSchema.safeParse(json);
  if (!parsed.success) return `not a feature payload: ${z.prettifyError(parsed.error)}`;
  const { ttl: _ttl, ...vector } = parsed.data;
  for (const field of ["symbol", "timeframe", "version"] as const) {
    if (vector[field] !== expected[field]) {
      return `${field} is "${vector[field]}", the key says "${expected[field]}"`;
    }
  }
  return vector;
}
