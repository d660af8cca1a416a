import { z } from "zod";
import type { Timeframe } from "../market/bar";
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

/** Writes `vector` as its series' latest, for FEATURE_CACHE_TTL_SECONDS. Throws on a malformed vector. */
export async function writeFeatureVector(cache: FeatureCache, vector: FeatureVector): Promise<void> {
  const parsed = featureVectorSchema.safeParse(vector);
  // JSON would turn a NaN into null: refuse to write what could not be read back.
  if (!parsed.success) throw new TypeError(`not a valid feature vector: ${z.prettifyError(parsed.error)}`);
  const payload: FeatureCachePayload = { ...parsed.data, ttl: FEATURE_CACHE_TTL_SECONDS };
  const key = featureCacheKey(vector.symbol, vector.timeframe, vector.version);
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
