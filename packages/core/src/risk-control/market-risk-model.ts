import { correlationFromCovariance, sampleCovariance } from "../risk/covariance";
import type { CorrelationOf, VarEstimator } from "../risk/pre-trade-check";
import type { ReturnsWindow } from "../risk/returns-window";
import { NORMAL_QUANTILE_95 } from "../risk/risk-metrics-var";

export interface MarketRiskModelOptions {
  /** Bars in one day: the VaR horizon (square-root-of-time from one bar); default 390. */
  readonly barsPerDay?: number;
  /** The latest bars the covariance is estimated from; default 5 × 390. */
  readonly lookbackBars?: number;
  /** Fewest complete bars to estimate from; fewer and no estimate is given; default 30. */
  readonly minObservations?: number;
  /** Covariance matrices kept (one per set of symbols); default 64. */
  readonly cacheSize?: number;
}

interface Estimate {
  readonly index: ReadonlyMap<string, number>;
  /** Σ flattened row-major: the quadratic forms run over a typed array, not nested arrays. */
  readonly sigma: Float64Array;
  readonly correlation: number[][];
}

/**
 * The pre-trade gate's market inputs from the returns window the engine feeds: a parametric
 * (delta-normal) 1-day 95% VaR estimator, z·√(h·vᵀΣv) with Σ the covariance of one-bar simple
 * returns over the latest `lookbackBars` bars where every symbol involved has a return — convex
 * in the exposures, as `allowed_quantity` needs — and the pairwise correlations from the same Σ.
 *
 * Σ is estimated once per set of symbols and bar interval and reused meanwhile, so a check costs
 * O(k²) per evaluation of the estimator (the bisection behind `allowed_quantity` makes a few).
 */
export class MarketRiskModel {
  readonly returns: ReturnsWindow;
  readonly #barsPerDay: number;
  readonly #lookback: number;
  readonly #minObservations: number;
  readonly #cacheSize: number;
  /** Per set of symbols: the estimate (undefined: the data cannot support one) and the window generation it is of. */
  readonly #cache = new Map<string, { readonly generation: number; readonly estimate: Estimate | undefined }>();
  #generation = 0;
  #slot = Number.NEGATIVE_INFINITY;

  constructor(returns: ReturnsWindow, options: MarketRiskModelOptions = {}) {
    this.returns = returns;
    this.#barsPerDay = options.barsPerDay ?? 390;
    this.#lookback = options.lookbackBars ?? 5 * 390;
    this.#minObservations = Math.max(2, options.minObservations ?? 30);
    this.#cacheSize = options.cacheSize ?? 64;
  }

  /** Records a bar's close in the returns window; a new interval invalidates the cached estimates. */
  observe(symbol: string, time: number, close: number): void {
    if (!this.returns.observe(symbol, time, close)) return;
    // Re-estimated once per bar interval, not per bar: a check between two symbols' bars of the
    // same interval reuses the estimate (the newest interval's returns are still arriving).
    const slot = Math.floor(time / this.returns.intervalMs);
    if (slot > this.#slot) {
      this.#slot = slot;
      this.#generation += 1;
    }
  }

  /**
   * The VaR estimator and correlations over `symbols` (every symbol an exposure may name), or
   * undefined when the window cannot support them yet (too few complete bars, or a symbol whose
   * price never moved): the gate then reports the VaR limit as not evaluated.
   */
  inputsFor(symbols: Iterable<string>): { varEstimate: VarEstimator; correlation: CorrelationOf } | undefined {
    const estimate = this.#estimate([...new Set(symbols)].sort());
    if (estimate === undefined) return undefined;
    const { index, sigma, correlation } = estimate;
    const n = index.size;
    const scale = NORMAL_QUANTILE_95 * Math.sqrt(this.#barsPerDay);
    const weights = new Float64Array(n);
    /** Fills `weights` from the exposures, skipping `except`; throws for a symbol Σ does not cover. */
    const load = (exposures: ReadonlyMap<string, number>, except?: string): void => {
      weights.fill(0);
      for (const [symbol, value] of exposures) {
        if (symbol === except) continue;
        const i = index.get(symbol);
        if (i === undefined) throw new RangeError(`no covariance for ${symbol}: not among the symbols asked for`);
        weights[i] = value;
      }
    };
    const quadratic = (): number => {
      let variance = 0;
      for (let i = 0; i < n; i += 1) {
        const wi = weights[i] ?? 0;
        if (wi === 0) continue;
        let row = 0;
        for (let j = 0; j < n; j += 1) row += (sigma[i * n + j] ?? 0) * (weights[j] ?? 0);
        variance += wi * row;
      }
      return variance;
    };
    const varEstimate: VarEstimator = (exposures) => {
      load(exposures);
      return scale * Math.sqrt(Math.max(0, quadratic()));
    };
    // Along one symbol s with the others fixed at w: vᵀΣv = wᵀΣw + 2x·(Σw)_s + x²·Σ_ss, so one
    // O(k²) pass makes every later evaluation O(1).
    varEstimate.along = (others, symbol) => {
      const s = index.get(symbol);
      if (s === undefined) throw new RangeError(`no covariance for ${symbol}: not among the symbols asked for`);
      load(others, symbol);
      const base = quadratic();
      let cross = 0;
      for (let j = 0; j < n; j += 1) cross += (sigma[s * n + j] ?? 0) * (weights[j] ?? 0);
      const own = sigma[s * n + s] ?? 0;
      return (x) => scale * Math.sqrt(Math.max(0, base + 2 * x * cross + x * x * own));
    };
    return {
      varEstimate,
      correlation: (a, b) => {
        const i = index.get(a);
        const j = index.get(b);
        if (i === undefined || j === undefined) return 0;
        return correlation[i]?.[j] ?? 0;
      },
    };
  }

  #estimate(symbols: readonly string[]): Estimate | undefined {
    if (symbols.length === 0) return undefined;
    const key = symbols.join("\u0000");
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.generation === this.#generation) return cached.estimate;
    if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
    const estimate = this.#compute(symbols);
    this.#cache.set(key, { generation: this.#generation, estimate });
    return estimate;
  }

  #compute(symbols: readonly string[]): Estimate | undefined {
    if (!symbols.every((symbol) => this.returns.has(symbol))) return undefined;
    const aligned = this.returns.completeSimpleReturns(symbols);
    const start = Math.max(0, aligned.rows - this.#lookback);
    const rows = aligned.rows - start;
    if (rows < this.#minObservations) return undefined;
    const covariance = sampleCovariance(aligned.columns.map((column) => column.subarray(start)));
    if (!covariance.every((row, i) => (row[i] ?? 0) > 0)) return undefined;
    return {
      index: new Map(symbols.map((symbol, i) => [symbol, i])),
      sigma: Float64Array.from(covariance.flat()),
      correlation: correlationFromCovariance(covariance),
    };
  }
}
