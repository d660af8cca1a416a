import type { Bar } from "../market/bar";
import type { Indicator } from "./indicators/indicator";

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
  readonly create: () => S;
}

/** What a feature binds against: the series' sources, created on first use. */
export interface SourceScope {
  use<S extends BarSource>(source: SourceDefinition<S>): S;
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
