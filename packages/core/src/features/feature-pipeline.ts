import { type Bar, barEndTime, type Timeframe } from "../market/bar";
import type { BarSource, SourceDefinition, SourceScope } from "./bar-source";
import { CrossSection, type CrossSectionalQuantity, type CrossSectionSeat } from "./cross-section";
import {
  assertFeatureSet,
  type FeatureDefinition,
  type FeatureReader,
  featureDefinitions,
} from "./feature-definitions";
import { FeatureRecordBuilder } from "./feature-record";
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

/** One record builder per feature set, shared by all the series computing it. */
const recordBuilders = new WeakMap<readonly FeatureDefinition[], FeatureRecordBuilder>();

function recordBuilderFor(definitions: readonly FeatureDefinition[]): FeatureRecordBuilder {
  let builder = recordBuilders.get(definitions);
  if (builder === undefined) {
    builder = new FeatureRecordBuilder(definitions.map((definition) => definition.name));
    recordBuilders.set(definitions, builder);
  }
  return builder;
}

interface BoundQuantity {
  /** Position in the cross-section's value arrays. */
  readonly index: number;
  readonly read: FeatureReader;
}

/**
 * Every feature of one (symbol, timeframe), updated bar by bar in O(1) per feature (cross-sectional
 * ranks: O(symbols of the timeframe), see `CrossSection`). Bars must come strictly in time order;
 * gaps are fine (indicators count bars, not clock time).
 */
export class SymbolFeatureState {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly version: string;
  readonly #sources: BarSource[] = [];
  readonly #features: BoundFeature[];
  readonly #quantities: BoundQuantity[] = [];
  readonly #seat: CrossSectionSeat;
  readonly #records: FeatureRecordBuilder;
  /** This bar's values and which are present, reused bar after bar. */
  readonly #values: Float64Array;
  readonly #present: Uint8Array;
  #lastTime: number | undefined;
  #barCount = 0;
  #latest: FeatureVector | undefined;

  /**
   * `seat`: this series' place in the cross-section of its timeframe, which the pipeline shares
   * among the series it holds. A state made on its own gets a cross-section of its own, where a
   * rank has no other symbol to rank against and so is always absent.
   */
  constructor(
    symbol: string,
    timeframe: Timeframe,
    options: FeaturePipelineOptions = {},
    seat: CrossSectionSeat = new CrossSection().seat(),
  ) {
    const definitions = options.definitions ?? featureDefinitions;
    this.version = assertFeatureSet(definitions);
    this.symbol = symbol;
    this.timeframe = timeframe;
    this.#seat = seat;
    const created = new Map<SourceDefinition<BarSource>, BarSource>();
    const ranked = new Map<CrossSectionalQuantity, BoundQuantity>();
    const scope: SourceScope = {
      use: <S extends BarSource>(definition: SourceDefinition<S>): S => {
        const existing = created.get(definition);
        // The map is keyed by the definition object that made the source, so its type is exactly S.
        if (existing !== undefined) return existing as S;
        // Sources this one builds on are created (and so pushed, and updated) first.
        const source = definition.create(scope);
        created.set(definition, source);
        // Creation order is update order, so a source a later one builds on is already updated.
        this.#sources.push(source);
        return source;
      },
      rank: (quantity: CrossSectionalQuantity) => {
        let bound = ranked.get(quantity);
        if (bound === undefined) {
          bound = { index: seat.section.indexOf(quantity), read: quantity.bind(scope) };
          ranked.set(quantity, bound);
          this.#quantities.push(bound);
        }
        const index = bound.index;
        return () => seat.rank(index);
      },
    };
    this.#features = definitions.map((definition) => ({ name: definition.name, read: definition.bind(scope) }));
    this.#records = recordBuilderFor(definitions);
    this.#values = new Float64Array(definitions.length);
    this.#present = new Uint8Array(definitions.length);
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
    const end = barEndTime(bar);
    if (this.#quantities.length > 0) {
      // Publish this bar's ranked values, then rank them against the other series' earlier ones.
      const seat = this.#seat;
      seat.begin(end);
      for (const quantity of this.#quantities) {
        const value = quantity.read(bar);
        // A non-finite value is a defect its own feature reports below; it is no value to rank.
        seat.set(quantity.index, value !== undefined && Number.isFinite(value) ? value : Number.NaN);
      }
      seat.commit();
    }
    const features = this.#features;
    const values = this.#values;
    const present = this.#present;
    let count = 0;
    for (let i = 0; i < features.length; i += 1) {
      const feature = features[i] as BoundFeature;
      const value = feature.read(bar);
      if (value === undefined) {
        present[i] = 0;
        continue;
      }
      if (!Number.isFinite(value)) throw new FeatureComputationError(feature.name, value, bar);
      values[i] = value;
      present[i] = 1;
      count += 1;
    }
    this.#latest = {
      symbol: this.symbol,
      timeframe: this.timeframe,
      timestamp: isoTime(end),
      features: this.#records.build(values, present, count),
      version: this.version,
    };
    return this.#latest;
  }

  /** Forgets every bar, as if newly created (and leaves the cross-section until its next bar). */
  reset(): void {
    for (const source of this.#sources) source.reset();
    this.#seat.vacate();
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

/**
 * `new Date(time).toISOString()`, remembering the latest answer: every series of a time step
 * shares one end time, so 200 symbols make one string per step instead of 200.
 */
let lastIsoTime = Number.NaN;
let lastIsoText = "";
function isoTime(time: number): string {
  if (time !== lastIsoTime) {
    lastIsoText = new Date(time).toISOString();
    lastIsoTime = time;
  }
  return lastIsoText;
}

function invalidField(bar: Bar): string | undefined {
  if (!Number.isSafeInteger(bar.time) || bar.time < 0) return `time ${bar.time} is not a non-negative integer`;
  // Field by field rather than a loop over their names: this runs for every bar.
  if (!isPositivePrice(bar.open)) return `open ${bar.open} is not a finite positive price`;
  if (!isPositivePrice(bar.high)) return `high ${bar.high} is not a finite positive price`;
  if (!isPositivePrice(bar.low)) return `low ${bar.low} is not a finite positive price`;
  if (!isPositivePrice(bar.close)) return `close ${bar.close} is not a finite positive price`;
  if (!(Number.isFinite(bar.volume) && bar.volume >= 0)) return `volume ${bar.volume} is not finite and non-negative`;
  return undefined;
}

function isPositivePrice(price: number): boolean {
  return Number.isFinite(price) && price > 0;
}

/**
 * The states of every (symbol, timeframe) seen, each created on its first bar, and the
 * cross-section of each timeframe its series rank against (see `CrossSection`).
 */
export class FeaturePipeline {
  readonly version: string;
  readonly #options: FeaturePipelineOptions;
  readonly #states = new Map<string, SymbolFeatureState>();
  readonly #seats = new Map<string, CrossSectionSeat>();
  readonly #crossSections = new Map<Timeframe, CrossSection>();

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
      let crossSection = this.#crossSections.get(bar.timeframe);
      if (crossSection === undefined) {
        crossSection = new CrossSection();
        this.#crossSections.set(bar.timeframe, crossSection);
      }
      const seat = crossSection.seat();
      state = new SymbolFeatureState(bar.symbol, bar.timeframe, this.#options, seat);
      // Registered only once its first bar is accepted, so a rejected first bar leaves nothing
      // behind (a seat joins its cross-section only when its first values are published).
      const vector = state.update(bar);
      this.#states.set(key, state);
      this.#seats.set(key, seat);
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

  /** Drops a series (e.g. a delisted symbol), from the cross-section too; its next bar starts it afresh. */
  remove(symbol: string, timeframe: Timeframe): boolean {
    const key = seriesKey(symbol, timeframe);
    this.#seats.get(key)?.vacate();
    this.#seats.delete(key);
    return this.#states.delete(key);
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
 * Cross-sectional ranks need the other symbols' bars in the same run, interleaved in time order
 * (any order within a time step gives the same values); a series run on its own has none.
 */
export function batchCompute(bars: Iterable<Bar>, options: FeaturePipelineOptions = {}): FeatureVector[] {
  const pipeline = new FeaturePipeline(options);
  const vectors: FeatureVector[] = [];
  for (const bar of bars) vectors.push(pipeline.update(bar));
  return vectors;
}
