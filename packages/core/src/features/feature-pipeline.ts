import { type Bar, barEndTime, type Timeframe } from "../market/bar";
import type { BarSource, SourceDefinition, SourceScope } from "./bar-source";
import {
  assertFeatureSet,
  type FeatureDefinition,
  type FeatureReader,
  featureDefinitions,
} from "./feature-definitions";
import type { FeatureVector } from "./feature-vector";

/**
 * Why a bar was refused. `duplicate`: its time equals the last accepted bar's. `out-of-order`: it
 * is older. `invalid`: a price not finite and positive, a volume not finite and non-negative, or a
 * time not a non-negative integer. `wrong-series`: sent to the state of another symbol/timeframe.
 */
export type BarRejection = "duplicate" | "out-of-order" | "invalid" | "wrong-series";

/**
 * A bar the pipeline will not absorb. Nothing was updated: the caller dead-letters the bar and
 * the series carries on from its last accepted bar.
 */
export class BarRejectedError extends Error {
  override readonly name = "BarRejectedError";

  constructor(
    readonly reason: BarRejection,
    readonly bar: Bar,
    detail: string,
  ) {
    super(`bar ${bar.symbol}/${bar.timeframe} at ${bar.time} rejected (${reason}): ${detail}`);
  }
}

/**
 * A feature returned something other than a finite number or undefined: a defect in its
 * definition (or an overflow on absurd inputs). The series' state has taken the bar.
 */
export class FeatureComputationError extends Error {
  override readonly name = "FeatureComputationError";

  constructor(
    readonly feature: string,
    readonly value: number,
    readonly bar: Bar,
  ) {
    super(`feature ${feature} computed ${value} for ${bar.symbol}/${bar.timeframe} at ${bar.time}`);
  }
}

export interface FeaturePipelineOptions {
  /** The features to compute, in vector order; default the registry. All must share one version. */
  readonly definitions?: readonly FeatureDefinition[];
}

interface BoundFeature {
  readonly name: string;
  readonly read: FeatureReader;
}

/**
 * Every feature of one (symbol, timeframe), updated bar by bar in O(1) per feature. Bars must
 * come strictly in time order; gaps are fine (indicators count bars, not clock time).
 */
export class SymbolFeatureState {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly version: string;
  readonly #sources: BarSource[] = [];
  readonly #features: BoundFeature[];
  #lastTime: number | undefined;
  #barCount = 0;
  #latest: FeatureVector | undefined;

  constructor(symbol: string, timeframe: Timeframe, options: FeaturePipelineOptions = {}) {
    const definitions = options.definitions ?? featureDefinitions;
    this.version = assertFeatureSet(definitions);
    this.symbol = symbol;
    this.timeframe = timeframe;
    const created = new Map<SourceDefinition<BarSource>, BarSource>();
    const scope: SourceScope = {
      use: <S extends BarSource>(definition: SourceDefinition<S>): S => {
        const existing = created.get(definition);
        // The map is keyed by the definition object that made the source, so its type is exactly S.
        if (existing !== undefined) return existing as S;
        const source = definition.create();
        created.set(definition, source);
        // Creation order is update order, so a source a later one builds on is already updated.
        this.#sources.push(source);
        return source;
      },
    };
    this.#features = definitions.map((definition) => ({ name: definition.name, read: definition.bind(scope) }));
  }

  /** Bars taken so far. */
  get barCount(): number {
    return this.#barCount;
  }

  /** Open time of the last bar taken. */
  get lastBarTime(): number | undefined {
    return this.#lastTime;
  }

  /** The vector of the last bar taken. */
  latest(): FeatureVector | undefined {
    return this.#latest;
  }

  /** Takes the series' next bar; throws BarRejectedError (having changed nothing) if it cannot. */
  update(bar: Bar): FeatureVector {
    this.#assertAcceptable(bar);
    for (const source of this.#sources) source.update(bar);
    this.#lastTime = bar.time;
    this.#barCount += 1;
    const features: Record<string, number> = {};
    for (const feature of this.#features) {
      const value = feature.read(bar);
      if (value === undefined) continue;
      if (!Number.isFinite(value)) throw new FeatureComputationError(feature.name, value, bar);
      features[feature.name] = value;
    }
    this.#latest = {
      symbol: this.symbol,
      timeframe: this.timeframe,
      timestamp: new Date(barEndTime(bar)).toISOString(),
      features,
      version: this.version,
    };
    return this.#latest;
  }

  /** Forgets every bar, as if newly created. */
  reset(): void {
    for (const source of this.#sources) source.reset();
    this.#lastTime = undefined;
    this.#barCount = 0;
    this.#latest = undefined;
  }

  /**
   * Everything checked before any state moves, so a rejected bar leaves no trace. The numeric
   * checks are the indicators' own preconditions: a bar that passes cannot make one throw midway.
   */
  #assertAcceptable(bar: Bar): void {
    if (bar.symbol !== this.symbol || bar.timeframe !== this.timeframe) {
      throw new BarRejectedError("wrong-series", bar, `this state is ${this.symbol}/${this.timeframe}`);
    }
    const invalid = invalidField(bar);
    if (invalid !== undefined) throw new BarRejectedError("invalid", bar, invalid);
    const last = this.#lastTime;
    if (last === undefined || bar.time > last) return;
    if (bar.time === last) throw new BarRejectedError("duplicate", bar, "a bar with this time was already taken");
    throw new BarRejectedError("out-of-order", bar, `older than the last bar taken (${last})`);
  }
}

function invalidField(bar: Bar): string | undefined {
  if (!Number.isSafeInteger(bar.time) || bar.time < 0) return `time ${bar.time} is not a non-negative integer`;
  for (const field of ["open", "high", "low", "close"] as const) {
    const price = bar[field];
    if (!(Number.isFinite(price) && price > 0)) return `${field} ${price} is not a finite positive price`;
  }
  if (!(Number.isFinite(bar.volume) && bar.volume >= 0)) return `volume ${bar.volume} is not finite and non-negative`;
  return undefined;
}

/** The states of every (symbol, timeframe) seen, each created on its first bar. */
export class FeaturePipeline {
  readonly version: string;
  readonly #options: FeaturePipelineOptions;
  readonly #states = new Map<string, SymbolFeatureState>();

  constructor(options: FeaturePipelineOptions = {}) {
    this.version = assertFeatureSet(options.definitions ?? featureDefinitions);
    this.#options = options;
  }

  /** Series held. */
  get size(): number {
    return this.#states.size;
  }

  /** Takes the next bar of its series; throws BarRejectedError (having changed nothing) if it cannot. */
  update(bar: Bar): FeatureVector {
    const key = seriesKey(bar.symbol, bar.timeframe);
    let state = this.#states.get(key);
    if (state === undefined) {
      state = new SymbolFeatureState(bar.symbol, bar.timeframe, this.#options);
      // Registered only once its first bar is accepted, so a rejected first bar leaves nothing behind.
      const vector = state.update(bar);
      this.#states.set(key, state);
      return vector;
    }
    return state.update(bar);
  }

  state(symbol: string, timeframe: Timeframe): SymbolFeatureState | undefined {
    return this.#states.get(seriesKey(symbol, timeframe));
  }

  latest(symbol: string, timeframe: Timeframe): FeatureVector | undefined {
    return this.state(symbol, timeframe)?.latest();
  }

  /** Drops a series (e.g. a delisted symbol); its next bar starts it afresh. */
  remove(symbol: string, timeframe: Timeframe): boolean {
    return this.#states.delete(seriesKey(symbol, timeframe));
  }
}

function seriesKey(symbol: string, timeframe: Timeframe): string {
  return `${symbol}\u0000${timeframe}`;
}

/**
 * Recomputes from scratch: a fresh pipeline over `bars` (any interleaving of series, each in
 * time order), one vector per bar in input order. It is the incremental path replayed, not a
 * second implementation, so history (training, backfill) and live inference cannot disagree by
 * even one rounding. Throws BarRejectedError on the first bar a live pipeline would refuse.
 */
export function batchCompute(bars: Iterable<Bar>, options: FeaturePipelineOptions = {}): FeatureVector[] {
  const pipeline = new FeaturePipeline(options);
  const vectors: FeatureVector[] = [];
  for (const bar of bars) vectors.push(pipeline.update(bar));
  return vectors;
}
