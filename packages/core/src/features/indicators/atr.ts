import { Ema } from "./ema";
import { assertFiniteFields, assertPeriod, type Indicator } from "./indicator";
import type { HighLowClose } from "./stochastic";

/**
 * The true range of a bar: max(high − low, |high − previous close|, |low − previous close|), so a
 * gap since the previous bar counts as range. The first bar has no previous close: its true range
 * is its plain range, high − low.
 */
export function trueRange(bar: HighLowClose, previousClose: number | undefined): number {
  const range = bar.high - bar.low;
  if (previousClose === undefined) return range;
  return Math.max(range, Math.abs(bar.high - previousClose), Math.abs(bar.low - previousClose));
}

/**
 * Wilder's Average True Range: the true ranges smoothed with Wilder's average (α = 1/period),
 * seeded by the simple mean of the first `period` of them — the first bar's being high − low, as
 * in StockCharts' worked example. Warm-up: `period` bars.
 */
export class Atr implements Indicator<HighLowClose, number> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #average: Ema;
  #previousClose: number | undefined;

  constructor(period = 14) {
    assertPeriod("Atr period", period);
    this.period = period;
    this.warmup = period;
    this.name = `atr(${period})`;
    this.#average = new Ema(period, "wilder");
  }

  update(bar: HighLowClose): number | undefined {
    assertFiniteFields(this.name, bar, ["high", "low", "close"]);
    // The average refuses an overflowed range before anything here moves.
    const average = this.#average.update(trueRange(bar, this.#previousClose));
    this.#previousClose = bar.close;
    return average;
  }

  value(): number | undefined {
    return this.#average.value();
  }

  isReady(): boolean {
    return this.#average.isReady();
  }

  reset(): void {
    this.#average.reset();
    this.#previousClose = undefined;
  }
}
