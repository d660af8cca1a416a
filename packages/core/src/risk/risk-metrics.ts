import { z } from "zod";
import { correlationFromCovariance, sampleCovariance } from "./covariance";
import type { RiskPortfolioView } from "./portfolio";
import { completeRows, ReturnsWindow } from "./returns-window";
import { equalWeightedIndex, olsBeta } from "./risk-metrics-beta";
import { EquityCurve } from "./risk-metrics-equity-curve";
import { maxDrawdown, sharpeRatio } from "./risk-metrics-performance";
import { historicalVar, parametricVar } from "./risk-metrics-var";

const metric = z.number().finite().nullable();

/**
 * The spec's risk state `risk_metrics` (`var_95_1d`, `portfolio_beta`, `correlation_matrix`,
 * `sharpe_ratio_7d`, `max_drawdown_30d`) plus what is needed to read them: the parametric VaR
 * beside the historical one, the symbols the correlation matrix's rows and columns stand for, and
 * how many observations each figure rests on. A figure is null when the data cannot support it
 * (too short a history, a series that never moved) rather than a made-up number.
 */
export const riskMetricsSchema = z.object({
  /** 1-day 95% VaR by historical simulation, in money (a loss, positive). */
  var_95_1d: metric,
  /** 1-day 95% VaR, variance–covariance (normal), in money. */
  var_95_1d_parametric: metric,
  /** Sensitivity of the portfolio's TOTAL value (cash included, at beta 0) to the equal-weighted universe index. */
  portfolio_beta: metric,
  /** The held symbols, sorted: the order of `correlation_matrix`'s rows and columns. */
  correlation_symbols: z.array(z.string()),
  correlation_matrix: z.array(z.array(z.number().min(-1).max(1))).nullable(),
  /** Annualised Sharpe ratio of the equity curve's per-bar returns over the last 7 days. */
  sharpe_ratio_7d: metric,
  /** Largest peak-to-trough fall of the equity curve over the last 30 days, as a fraction of the peak. */
  max_drawdown_30d: z.number().min(0).max(1).nullable(),
  observations: z.object({
    /** Overlapping one-day windows behind `var_95_1d`. */
    var_scenarios: z.number().int().nonnegative(),
    /** Bars where every held symbol has a return: behind the covariance, correlations and parametric VaR. */
    complete_bars: z.number().int().nonnegative(),
    beta_bars: z.number().int().nonnegative(),
    sharpe_returns: z.number().int().nonnegative(),
    equity_points: z.number().int().nonnegative(),
  }),
});
export type RiskMetrics = z.infer<typeof riskMetricsSchema>;

export interface RiskMetricsOptions {
  /** Bars in one day — the VaR horizon and the unit of the 7- and 30-day windows; default 390 (a US session of one-minute bars). */
  readonly barsPerDay?: number;
  /** Annualisation of the Sharpe ratio: periods per year = barsPerDay × this; default 252. */
  readonly tradingDaysPerYear?: number;
  /** Fewest observations (scenarios, bars, returns) a sample statistic is reported from; default 30. */
  readonly minObservations?: number;
}

export interface RiskMetricWindowsOptions {
  /** The bar clock, e.g. 60,000. */
  readonly intervalMs: number;
  readonly barsPerDay?: number;
  /** Days of history kept; default 30 (the drawdown's window, and the VaR's). */
  readonly days?: number;
}

/** A returns window and an equity curve sized for `computeRiskMetrics`: `days` days of bars. */
export function riskMetricWindows(options: RiskMetricWindowsOptions): { returns: ReturnsWindow; equity: EquityCurve } {
  const bars = (options.barsPerDay ?? 390) * (options.days ?? 30);
  return {
    returns: new ReturnsWindow({ intervalMs: options.intervalMs, capacity: bars }),
    // One more point than returns: the first return of the window starts from it.
    equity: new EquityCurve({ intervalMs: options.intervalMs, capacity: bars + 1 }),
  };
}

/**
 * The portfolio's risk metrics now, from its holdings at their latest marks, the universe's recent
 * returns (the returns window's last 30 days, 30 × barsPerDay bars, at most) and its own equity
 * curve:
 *
 * - `var_95_1d`: `historicalVar` over one-day (`barsPerDay`-bar) overlapping windows of those
 *   30 days, full revaluation of today's holdings.
 * - `var_95_1d_parametric`: `parametricVar` with the covariance of one-bar simple returns of the
 *   held symbols over the bars where all of them have one, scaled to the day by √barsPerDay.
 * - `portfolio_beta`: OLS beta of the portfolio's one-bar return (today's weights over TOTAL value:
 *   cash is part of the portfolio, with beta 0) on the equal-weighted index of every symbol in the
 *   returns window (`equalWeightedIndex`), over the bars where all held symbols and the index have
 *   a return. So beta × the index's move × total value ≈ the P&L.
 * - `correlation_matrix`: of the held symbols' one-bar simple returns, same bars as the covariance.
 * - `sharpe_ratio_7d`: `sharpeRatio` of the equity curve's last 7 days of per-bar returns,
 *   annualised over barsPerDay × tradingDaysPerYear bars.
 * - `max_drawdown_30d`: `maxDrawdown` of the equity curve's last 30 days.
 *
 * An empty book has VaR and beta exactly 0. The windows must share the portfolio's bar clock.
 */
export function computeRiskMetrics(
  portfolio: RiskPortfolioView,
  returns: ReturnsWindow,
  equity: EquityCurve,
  options: RiskMetricsOptions = {},
): RiskMetrics {
  const barsPerDay = options.barsPerDay ?? 390;
  const tradingDaysPerYear = options.tradingDaysPerYear ?? 252;
  const minObservations = Math.max(2, options.minObservations ?? 30);
  const held = [...portfolio.holdings()]
    .filter((holding) => holding.quantity !== 0)
    .map((holding) => ({ symbol: holding.symbol, exposure: holding.quantity * holding.lastPrice }))
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const symbols = held.map((holding) => holding.symbol);
  const exposures = held.map((holding) => holding.exposure);
  const total = portfolio.cash + exposures.reduce((sum, exposure) => sum + exposure, 0);
  if (!(Number.isFinite(total) && total > 0)) throw new RangeError(`total value must be positive, got ${total}`);

  const sharpe = sharpeRatio(equity.values(7 * barsPerDay + 1), barsPerDay * tradingDaysPerYear);
  const equityCurve = equity.values(30 * barsPerDay + 1);
  const performance = {
    sharpe_ratio_7d: sharpe !== undefined && sharpe.observations >= minObservations ? sharpe.ratio : null,
    max_drawdown_30d: maxDrawdown(equityCurve) ?? null,
  };
  const sharpeReturns = sharpe?.observations ?? 0;
  const equityPoints = equityCurve.reduce((count, value) => count + (Number.isNaN(value) ? 0 : 1), 0);

  if (held.length === 0) {
    return {
      var_95_1d: 0,
      var_95_1d_parametric: 0,
      portfolio_beta: 0,
      correlation_symbols: [],
      correlation_matrix: [],
      ...performance,
      observations: {
        var_scenarios: 0,
        complete_bars: 0,
        beta_bars: 0,
        sharpe_returns: sharpeReturns,
        equity_points: equityPoints,
      },
    };
  }

  // The last 30 days of the returns window, whatever its capacity.
  const recent = (series: Float64Array): Float64Array => series.subarray(Math.max(0, series.length - 30 * barsPerDay));
  const toSimple = (logs: Float64Array): Float64Array => logs.map(Math.expm1);
  const logs = symbols.map((symbol) => recent(returns.logReturns(symbol)));
  const historical = historicalVar({ exposures, logReturns: logs, horizonBars: barsPerDay });
  const simple = logs.map(toSimple);
  const aligned = completeRows(simple);
  const covariance = aligned.rows >= minObservations ? sampleCovariance(aligned.columns) : undefined;
  const moved = covariance?.every((row, i) => (row[i] ?? 0) > 0) ?? false;

  const portfolioReturns = new Float64Array(simple[0]?.length ?? 0);
  for (let t = 0; t < portfolioReturns.length; t += 1) {
    let r = 0;
    for (let i = 0; i < simple.length; i += 1) r += ((exposures[i] ?? 0) / total) * (simple[i]?.[t] ?? Number.NaN);
    portfolioReturns[t] = r;
  }
  const heldSeries = new Map(symbols.map((symbol, i) => [symbol, simple[i]]));
  const universe = returns.symbols.map(
    (symbol) => heldSeries.get(symbol) ?? toSimple(recent(returns.logReturns(symbol))),
  );
  const betaEstimate = olsBeta(portfolioReturns, equalWeightedIndex(universe));

  return {
    var_95_1d: historical !== undefined && historical.observations >= minObservations ? historical.value : null,
    var_95_1d_parametric:
      covariance === undefined ? null : parametricVar({ exposures, covariance, horizonBars: barsPerDay }),
    portfolio_beta:
      betaEstimate !== undefined && betaEstimate.observations >= minObservations ? betaEstimate.value : null,
    correlation_symbols: symbols,
    correlation_matrix: covariance !== undefined && moved ? correlationFromCovariance(covariance) : null,
    ...performance,
    observations: {
      var_scenarios: historical?.observations ?? 0,
      complete_bars: aligned.rows,
      beta_bars: betaEstimate?.observations ?? 0,
      sharpe_returns: sharpeReturns,
      equity_points: equityPoints,
    },
  };
}
