// The features module's public surface only: its files are its own business.
import {
  FEATURE_PIPELINE_VERSION,
  FeaturePipeline,
  type FeatureVector,
  featureDefinitions,
  readFeatureVector,
  writeFeatureVector,
} from "../features/index";
import { type Bar, barEndTime, type Timeframe } from "../market/bar";
import type { Clock } from "../ports/clock";
import type { FeatureCache } from "../ports/feature-cache";
import type { Logger } from "../ports/logger";
import { errorMessage, FeaturesUnavailableError, NoFeatureDataError, UnknownSymbolError } from "./feature-errors";
import { type BarReader, SeriesReader } from "./series-reader";
import { warmupWindowBars } from "./warmup-window";

export interface FeatureServiceDependencies {
  readonly cache: FeatureCache;
  readonly bars: BarReader;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface FeatureServiceOptions {
  /** Bars fed to the pipeline for one vector, target included; default from the registry (warmup-window.ts). */
  readonly warmupBars?: number;
}

export interface FeatureRequest {
  /** Epoch ms: the vector as known then. Absent: the latest. */
  readonly timestamp?: number;
  /** Pipeline version; absent: the current one. Any other has no data. */
  readonly version?: string;
}

export interface FeatureResult {
  readonly vector: FeatureVector;
  readonly cacheHit: boolean;
}

/** How each request fared with the cache, for `feature_cache_requests_total{result}`. */
export type CacheOutcome = "hit" | "miss" | "error";

export type CacheCounts = Readonly<Record<CacheOutcome, number>>;

type CacheRead = { readonly vector: FeatureVector } | { readonly missed: "miss" | "error"; readonly error?: unknown };

/**
 * The feature vectors the API serves.
 *
 * Latest (no timestamp): the cache entry `feature:{symbol}:{timeframe}:{version}` when there is
 * one; otherwise (a miss, a corrupt entry, or the cache failing) the vector is recomputed from the
 * stored bars and, unless the cache failed, written back with the spec's 300 s TTL.
 *
 * As of a timestamp T: the features of the last bar COMPLETED at or before T (its end time <= T),
 * computed from the stored bars; the cache serves only when its entry is exactly that bar's
 * vector. Nothing after T is read, so the answer is the same whenever it is asked.
 *
 * A recomputation feeds a fresh pipeline the target bar and the warm-up window before it (the
 * registry's longest warm-up, see warmup-window.ts); for 5min/1hour the bars are aggregated from
 * stored 1-minute bars unless the timeframe itself is stored (series-reader.ts).
 *
 * Failures: UnknownSymbolError, NoFeatureDataError (both 404), FeaturesUnavailableError (503:
 * the cache cannot serve and the stored bars cannot be read). A cache that fails only slows
 * serving down; the Redis adapter fails fast and reconnects on its own, so it serves again as
 * soon as Redis is back with nothing to do here.
 */
export class FeatureService {
  readonly version = FEATURE_PIPELINE_VERSION;
  /** Bars fed to the pipeline for one vector, target included. */
  readonly warmupBars: number;
  readonly #deps: FeatureServiceDependencies;
  readonly #series: SeriesReader;
  readonly #counts: Record<CacheOutcome, number> = { hit: 0, miss: 0, error: 0 };

  constructor(deps: FeatureServiceDependencies, options: FeatureServiceOptions = {}) {
    const warmupBars = options.warmupBars ?? warmupWindowBars(featureDefinitions);
    if (!Number.isInteger(warmupBars) || warmupBars < 1) {
      throw new RangeError(`warmupBars must be a positive integer, got ${warmupBars}`);
    }
    this.warmupBars = warmupBars;
    this.#deps = deps;
    this.#series = new SeriesReader(deps.bars, deps.clock);
  }

  /** Requests by how the cache fared, since the service started (monotonic). */
  cacheCounts(): CacheCounts {
    return { ...this.#counts };
  }

  async get(symbol: string, timeframe: Timeframe, request: FeatureRequest = {}): Promise<FeatureResult> {
    const version = request.version ?? this.version;
    if (version !== this.version) {
      throw new NoFeatureDataError(
        symbol,
        timeframe,
        `feature pipeline version ${version} has no data (current: ${this.version})`,
      );
    }
    const { timestamp } = request;
    if (timestamp === undefined) return this.#latest(symbol, timeframe);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new RangeError(`timestamp must be epoch milliseconds, got ${timestamp}`);
    }
    return this.#asOf(symbol, timeframe, timestamp);
  }

  async #latest(symbol: string, timeframe: Timeframe): Promise<FeatureResult> {
    const cached = await this.#readCache(symbol, timeframe);
    if ("vector" in cached) {
      this.#counts.hit += 1;
      return { vector: cached.vector, cacheHit: true };
    }
    this.#counts[cached.missed] += 1;
    const window = await this.#window(symbol, timeframe, undefined, cached);
    const vector = await this.#compute(symbol, timeframe, window, "stored yet");
    // With the cache failing, a write would only wait for the same failure.
    if (cached.missed === "miss") {
      try {
        await writeFeatureVector(this.#deps.cache, vector);
      } catch (error) {
        this.#deps.logger.warn({ err: error, symbol, timeframe }, "writing a recomputed feature vector back failed");
      }
    }
    return { vector, cacheHit: false };
  }

  async #asOf(symbol: string, timeframe: Timeframe, at: number): Promise<FeatureResult> {
    const [cached, window] = await Promise.all([
      this.#readCache(symbol, timeframe),
      this.#series.window(symbol, timeframe, this.warmupBars, at).then(
        (bars) => ({ bars }),
        (error: unknown) => ({ error }),
      ),
    ]);
    const target = "bars" in window ? window.bars.at(-1) : undefined;
    if (target !== undefined && "vector" in cached && Date.parse(cached.vector.timestamp) === barEndTime(target)) {
      this.#counts.hit += 1;
      return { vector: cached.vector, cacheHit: true };
    }
    // The entry is another bar's vector (or there is none): for this request the cache missed.
    this.#counts["missed" in cached ? cached.missed : "miss"] += 1;
    if ("error" in window) throw this.#unavailable(cached, window.error);
    const when = `ending at or before ${new Date(at).toISOString()}`;
    return { vector: await this.#compute(symbol, timeframe, window.bars, when), cacheHit: false };
  }

  async #readCache(symbol: string, timeframe: Timeframe): Promise<CacheRead> {
    try {
      const read = await readFeatureVector(this.#deps.cache, symbol, timeframe, this.version, {
        logger: this.#deps.logger,
      });
      return read.status === "hit" ? { vector: read.vector } : { missed: "miss" };
    } catch (error) {
      // Spec scenario 6: a failing cache must not stop serving; the features are computed instead.
      this.#deps.logger.warn({ err: error, symbol, timeframe }, "feature cache unavailable: computing directly");
      return { missed: "error", error };
    }
  }

  async #window(symbol: string, timeframe: Timeframe, at: number | undefined, cached: CacheRead): Promise<Bar[]> {
    try {
      return await this.#series.window(symbol, timeframe, this.warmupBars, at);
    } catch (error) {
      throw this.#unavailable(cached, error);
    }
  }

  #unavailable(cached: CacheRead, error: unknown): FeaturesUnavailableError {
    const cache =
      "vector" in cached
        ? "the cached vector cannot be checked against the stored bars"
        : cached.missed === "error"
          ? `the feature cache failed (${errorMessage(cached.error)})`
          : "the feature cache has no entry";
    return new FeaturesUnavailableError(`${cache} and the stored bars cannot be read (${errorMessage(error)})`, {
      cause: error,
    });
  }

  /** The vector of the window's last bar; 404s when there is no bar. `when` says which bar was wanted. */
  async #compute(symbol: string, timeframe: Timeframe, window: readonly Bar[], when: string): Promise<FeatureVector> {
    if (window.length === 0) {
      let known: boolean;
      try {
        known = await this.#deps.bars.knownSymbol(symbol);
      } catch (error) {
        throw new FeaturesUnavailableError(`the stored instruments cannot be read (${errorMessage(error)})`, {
          cause: error,
        });
      }
      if (!known) throw new UnknownSymbolError(symbol);
      throw new NoFeatureDataError(symbol, timeframe, `no complete ${timeframe} bar ${when}`);
    }
    const pipeline = new FeaturePipeline();
    let vector: FeatureVector | undefined;
    for (const bar of window) vector = pipeline.update(bar);
    if (vector === undefined) throw new NoFeatureDataError(symbol, timeframe, `no complete ${timeframe} bar ${when}`);
    return vector;
  }
}
