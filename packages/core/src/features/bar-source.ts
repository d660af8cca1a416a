import type { Bar } from "../market/bar";
import type { CrossSectionalQuantity } from "./cross-section";
import type { Indicator, OhlcvInput } from "./indicators/indicator";

/** The numeric fields of a bar a feature can read. */
export type BarField = "open" | "high" | "low" | "close" | "volume";

/**
 * Per-series state fed every bar of one (symbol, timeframe), in order. Features that need the same
 * state (macd, macd_signal and macd_histogram all read one MACD) share one source, so each bar
 * updates it once however many features read it.
 */
export interface BarSource {
  update(bar: Bar): void;
  reset(): void;
}

/**
 * How to make a source. A feature asks its scope for a definition and gets the series' one
 * instance of it: sharing is by definition identity, which keeps the instance's type exact.
 */
export interface SourceDefinition<S extends BarSource> {
  /** Describes the source (e.g. `close:macd(12,26,9)`); for diagnostics only. */
  readonly key: string;
  /**
   * Makes the series' instance. A source built on another takes it from `scope` here: the one it
   * takes is created (and so updated on every bar) before it.
   */
  readonly create: (scope: SourceScope) => S;
}

/** What a feature binds against: the series' sources, created on first use. */
export interface SourceScope {
  use<S extends BarSource>(source: SourceDefinition<S>): S;
  /**
   * The series' percentile rank, bar by bar, among the other symbols of its timeframe on
   * `quantity` (see `cross-section.ts` for exactly which values count): a reader of the rank after
   * the current bar, undefined when the series has no value of its own or no other symbol has one.
   */
  rank(quantity: CrossSectionalQuantity): () => number | undefined;
}

/** An indicator fed one field of every bar. */
export class FieldIndicator<I extends Indicator<number, unknown>> implements BarSource {
  constructor(
    readonly field: BarField,
    readonly indicator: I,
  ) {}

  update(bar: Bar): void {
    this.indicator.update(bar[this.field]);
  }

  reset(): void {
    this.indicator.reset();
  }
}

/** A source that runs `create()`'s indicator over `field` of every bar. */
export function fieldSource<I extends Indicator<number, unknown>>(
  field: BarField,
  create: () => I,
): SourceDefinition<FieldIndicator<I>> {
  const indicator = create();
  return Object.freeze({ key: `${field}:${indicator.name}`, create: () => new FieldIndicator(field, create()) });
}

/** An indicator fed a number computed from every bar, e.g. (high − low)/close. */
export class MappedIndicator<I extends Indicator<number, unknown>> implements BarSource {
  constructor(
    readonly map: (bar: Bar) => number,
    readonly indicator: I,
  ) {}

  update(bar: Bar): void {
    this.indicator.update(this.map(bar));
  }

  reset(): void {
    this.indicator.reset();
  }
}

/** A source that runs `create()`'s indicator over `map(bar)` of every bar; `label` names the mapping. */
export function mappedSource<I extends Indicator<number, unknown>>(
  label: string,
  map: (bar: Bar) => number,
  create: () => I,
): SourceDefinition<MappedIndicator<I>> {
  const indicator = create();
  return Object.freeze({ key: `${label}:${indicator.name}`, create: () => new MappedIndicator(map, create()) });
}

/** An indicator fed whole bars (ATR, ADX, OBV read several fields). */
export class WholeBarIndicator<I extends Indicator<OhlcvInput, unknown>> implements BarSource {
  constructor(readonly indicator: I) {}

  update(bar: Bar): void {
    this.indicator.update(bar);
  }

  reset(): void {
    this.indicator.reset();
  }
}

/** A source that runs `create()`'s indicator over every bar. */
export function barSource<I extends Indicator<OhlcvInput, unknown>>(
  create: () => I,
): SourceDefinition<WholeBarIndicator<I>> {
  const indicator = create();
  return Object.freeze({ key: `bar:${indicator.name}`, create: () => new WholeBarIndicator(create()) });
}

/**
 * An indicator fed another source's value (e.g. the slope of the OBV): on every bar the upstream
 * has a value for, once the upstream has taken the bar. Bars before that are not fed, so the
 * chained indicator's warm-up counts from the upstream's first value.
 */
export class ChainedIndicator<U extends BarSource, I extends Indicator<number, unknown>> implements BarSource {
  constructor(
    readonly upstream: U,
    readonly read: (upstream: U) => number | undefined,
    readonly indicator: I,
  ) {}

  update(): void {
    const x = this.read(this.upstream);
    if (x !== undefined) this.indicator.update(x);
  }

  reset(): void {
    this.indicator.reset();
  }
}

/** A source that runs `create()`'s indicator over `read(upstream)`, the series' instance of `upstream`. */
export function chainedSource<U extends BarSource, I extends Indicator<number, unknown>>(
  upstream: SourceDefinition<U>,
  label: string,
  read: (upstream: U) => number | undefined,
  create: () => I,
): SourceDefinition<ChainedIndicator<U, I>> {
  const indicator = create();
  return Object.freeze({
    key: `${upstream.key}>${label}:${indicator.name}`,
    create: (scope: SourceScope) => new ChainedIndicator(scope.use(upstream), read, create()),
  });
}
