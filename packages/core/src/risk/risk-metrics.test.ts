import { describe, expect, it } from "vitest";
import { MarketSimulator } from "../market/market-simulator";
import { Prng } from "../random/prng";
import { Portfolio, staticPortfolioView } from "./portfolio";
import { ReturnsWindow } from "./returns-window";
import { computeRiskMetrics, riskMetricsSchema, riskMetricWindows } from "./risk-metrics";

const MIN = 60_000;
const T0 = 1_700_000_040_000;

describe("computeRiskMetrics: worked by hand", () => {
  it("an empty book has VaR and beta exactly 0 and an empty correlation matrix", () => {
    const { returns, equity } = riskMetricWindows({ intervalMs: MIN, barsPerDay: 2, days: 3 });
    [100, 101, 99].forEach((price, i) => {
      returns.observe("AAA", T0 + i * MIN, price);
    });
    const metrics = computeRiskMetrics(staticPortfolioView({ cash: 1000, positions: {} }), returns, equity, {
      barsPerDay: 2,
    });
    expect(metrics).toMatchObject({
      var_95_1d: 0,
      var_95_1d_parametric: 0,
      portfolio_beta: 0,
      correlation_symbols: [],
      correlation_matrix: [],
      sharpe_ratio_7d: null,
      max_drawdown_30d: null,
    });
    expect(riskMetricsSchema.parse(metrics)).toEqual(metrics);
  });

  it("a two-symbol book over four bars", () => {
    // Prices (bars 0..4): AAA 100, 110, 99, 99, 108.9 → simple returns +10%, −10%, 0%, +10%
    //                     BBB  50,  50, 55, 49.5, 49.5 → 0%, +10%, −10%, 0%
    // Held: 10 AAA at 108.9 = 1,089 and 20 BBB at 49.5 = 990; cash 921: total 3,000.
    const { returns, equity } = riskMetricWindows({ intervalMs: MIN, barsPerDay: 2, days: 2 });
    [100, 110, 99, 99, 108.9].forEach((p, i) => {
      returns.observe("AAA", T0 + i * MIN, p);
    });
    [50, 50, 55, 49.5, 49.5].forEach((p, i) => {
      returns.observe("BBB", T0 + i * MIN, p);
    });
    [3000, 3100, 2900, 2950, 3000].forEach((v, i) => {
      equity.record(T0 + i * MIN, v);
    });
    const book = staticPortfolioView({
      cash: 921,
      positions: { BBB: { quantity: 20, current_price: 49.5 }, AAA: { quantity: 10, current_price: 108.9 } },
    });
    const metrics = computeRiskMetrics(book, returns, equity, { barsPerDay: 2, minObservations: 2 });

    // Historical, 2-bar windows over returns at bars 1..4: (1,2), (2,3), (3,4).
    //  (1,2): AAA 1.1·0.9 − 1 = −1%, BBB 1.0·1.1 − 1 = +10%: 1,089·(−0.01) + 990·0.1 = 88.11
    //  (2,3): AAA 0.9·1.0 − 1 = −10%, BBB 1.1·0.9 − 1 = −1%: −108.9 − 9.9 = −118.8
    //  (3,4): AAA 1.0·1.1 − 1 = +10%, BBB 0.9·1.0 − 1 = −10%: 108.9 − 99 = 9.9
    // Sorted −118.8, 9.9, 88.11; h = 2 × 0.05 = 0.1: Q = −118.8 + 0.1·(9.9 + 118.8) = −105.93: VaR 105.93.
    expect(metrics.var_95_1d).toBeCloseTo(105.93, 9);
    expect(metrics.observations.var_scenarios).toBe(3);

    // One-bar covariance over bars 1..4: AAA (.1, −.1, 0, .1) mean .025, BBB (0, .1, −.1, 0) mean 0.
    //  var AAA = (.075² + .125² + .025² + .075²)/3 = (.005625 + .015625 + .000625 + .005625)/3 = .0275/3
    //  var BBB = (.01 + .01)/3 = .02/3;  cov = (.075·0 + (−.125)(.1) + (−.025)(−.1) + .075·0)/3 = −.01/3
    //  vᵀΣv = (1,089²·.0275 + 990²·.02 + 2·1,089·990·(−.01))/3 = (32,612.8275 + 19,602 − 21,562.2)/3 = 10,217.5425
    //  VaR = 1.6448536 · √(2 · 10,217.5425) = 1.6448536 · 142.9513 = 235.1340.
    expect(metrics.var_95_1d_parametric).toBeCloseTo(1.6448536269514722 * Math.sqrt(2 * 10_217.5425), 9);
    expect(metrics.var_95_1d_parametric).toBeCloseTo(235.134, 3);
    expect(metrics.correlation_symbols).toEqual(["AAA", "BBB"]);
    // ρ = (−.01/3) / √(.0275/3 · .02/3) = −.01 / √.00055 = −0.426401.
    const rho = -0.01 / Math.sqrt(0.0275 * 0.02);
    expect(metrics.correlation_matrix?.[0]?.[1]).toBeCloseTo(rho, 12);
    expect(metrics.correlation_matrix?.[1]?.[0]).toBeCloseTo(rho, 12);
    expect(metrics.correlation_matrix?.[0]?.[0]).toBe(1);

    // Beta: index m = mean of the two = (.05, 0, −.05, .05); portfolio r = (1,089·AAA + 990·BBB)/3,000
    //  = (.0363, −.0033, −.033, .0363). m mean .0125; dm = (.0375, −.0125, −.0625, .0375), Σdm² = .006875.
    //  Σdm·r = .0375·.0363 + (−.0125)(−.0033) + (−.0625)(−.033) + .0375·.0363 = .00136125+.00004125+.0020625+.00136125
    //        = .004826250 (deviations of r need not be taken: Σdm = 0). beta = .00482625 / .006875 = 0.702.
    expect(metrics.portfolio_beta).toBeCloseTo(0.00482625 / 0.006875, 12);
    expect(metrics.observations.beta_bars).toBe(4);

    // Equity 3,000 → 3,100 → 2,900 → 2,950 → 3,000: drawdown (3,100 − 2,900)/3,100 = 6.4516%.
    expect(metrics.max_drawdown_30d).toBeCloseTo(200 / 3100, 14);
    // Returns 1/30, −2/31, 1/58, 2/118 (4 of them: the last 7 × 2 + 1 points are all there).
    const r = [100 / 3000, -200 / 3100, 50 / 2900, 50 / 2950];
    const mean = r.reduce((s, x) => s + x, 0) / 4;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(metrics.sharpe_ratio_7d).toBeCloseTo((mean / sd) * Math.sqrt(2 * 252), 10);
    expect(riskMetricsSchema.parse(metrics)).toEqual(metrics);
  });

  it("a book of equal amounts in every symbol and no cash has beta exactly 1 (it IS the index)", () => {
    const { returns, equity } = riskMetricWindows({ intervalMs: MIN, barsPerDay: 5, days: 10 });
    const prng = Prng.fromSeed(1);
    const prices = [10, 20, 40];
    for (let t = 0; t < 40; t += 1) {
      prices.forEach((p, i) => {
        prices[i] = p * Math.exp(prng.normal(0, 0.01));
        returns.observe(["AAA", "BBB", "CCC"][i] ?? "", T0 + t * MIN, prices[i] ?? 1);
      });
    }
    // Today's weights are what count: 1/3 of the value in each at today's prices.
    const book = staticPortfolioView({
      cash: 0,
      positions: Object.fromEntries(
        ["AAA", "BBB", "CCC"].map((s, i) => [s, { quantity: 1000 / (prices[i] ?? 1), current_price: prices[i] ?? 1 }]),
      ),
    });
    const metrics = computeRiskMetrics(book, returns, equity, { barsPerDay: 5 });
    expect(metrics.portfolio_beta).toBeCloseTo(1, 12);
  });

  it("reports null, not a number, when the history is too short", () => {
    const { returns, equity } = riskMetricWindows({ intervalMs: MIN, barsPerDay: 390 });
    [100, 101, 99, 100].forEach((p, i) => {
      returns.observe("AAA", T0 + i * MIN, p);
      equity.record(T0 + i * MIN, 1000 + p);
    });
    const book = staticPortfolioView({ cash: 900, positions: { AAA: { quantity: 1, current_price: 100 } } });
    const metrics = computeRiskMetrics(book, returns, equity);
    expect(metrics).toMatchObject({
      var_95_1d: null,
      var_95_1d_parametric: null,
      portfolio_beta: null,
      correlation_matrix: null,
      sharpe_ratio_7d: null,
    });
    // A drawdown needs no minimum: 1,101 → 1,099 is real.
    expect(metrics.max_drawdown_30d).toBeCloseTo(2 / 1101, 15);
    // A held symbol never seen has no returns at all.
    const unseen = staticPortfolioView({ cash: 900, positions: { ZZZ: { quantity: 1, current_price: 100 } } });
    expect(computeRiskMetrics(unseen, returns, equity, { minObservations: 2 }).var_95_1d).toBeNull();
  });
});

describe("computeRiskMetrics: a simulated month against independent calculations from the raw closes", () => {
  it("matches VaR (both), beta, correlations, Sharpe and drawdown recomputed from close ratios", () => {
    const barsPerDay = 20;
    const days = 30;
    const window = barsPerDay * days;
    const simulator = new MarketSimulator({ seed: 42, symbols: 6, startTime: T0 });
    const symbols = simulator.symbols.map((s) => s.symbol);
    const { returns, equity } = riskMetricWindows({ intervalMs: MIN, barsPerDay, days });
    // A longer window fed the same bars: only its last 30 days may count.
    const longer = new ReturnsWindow({ intervalMs: MIN, capacity: 2 * window });
    const portfolio = new Portfolio({ startingCash: 1_000_000 });
    const closes = new Map<string, Map<number, number>>(symbols.map((s) => [s, new Map()]));
    const values = new Map<number, number>();
    const gaps = Prng.fromSeed(5);
    const steps = window + 137; // the windows have wrapped
    let slot = 0;
    for (let step = 0; step < steps; step += 1) {
      const { time, bars } = simulator.step();
      slot = time / MIN;
      for (const bar of bars) {
        if (step > 0 && gaps.next() < 0.003) continue; // a missing bar now and then
        returns.observe(bar.symbol, time, bar.close);
        longer.observe(bar.symbol, time, bar.close);
        closes.get(bar.symbol)?.set(slot, bar.close);
        if (step === 0 && bar.symbol !== symbols[5]) {
          portfolio.applyFill({
            symbol: bar.symbol,
            side: "BUY",
            quantity: 400 + 100 * symbols.indexOf(bar.symbol),
            price: bar.close,
          });
        } else portfolio.markToMarket(bar.symbol, bar.close);
      }
      if (gaps.next() < 0.98) {
        equity.record(time, portfolio.totalValue());
        values.set(slot, portfolio.totalValue());
      }
    }
    const metrics = computeRiskMetrics(portfolio, returns, equity, { barsPerDay });
    expect(riskMetricsSchema.parse(metrics)).toEqual(metrics);
    expect(longer.length).toBeGreaterThan(window);
    expect(computeRiskMetrics(portfolio, longer, equity, { barsPerDay })).toEqual(metrics);

    const held = [...portfolio.holdings()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
    const exposures = held.map((h) => h.quantity * h.lastPrice);
    const total = portfolio.totalValue();
    const start = slot - window + 1;
    const close = (symbol: string, s: number): number | undefined => closes.get(symbol)?.get(s);
    const simpleReturn = (symbol: string, s: number): number | undefined => {
      const now = close(symbol, s);
      const before = close(symbol, s - 1);
      return now !== undefined && before !== undefined ? now / before - 1 : undefined;
    };

    // Historical: every barsPerDay-bar window [k, k + h) inside the window whose bars all have a return for
    // every held symbol, P&L from the close ratio across it.
    const pnl: number[] = [];
    for (let k = start; k + barsPerDay - 1 <= slot; k += 1) {
      let complete = true;
      for (const h of held)
        for (let s = k; s < k + barsPerDay; s += 1) if (simpleReturn(h.symbol, s) === undefined) complete = false;
      if (!complete) continue;
      pnl.push(
        held.reduce(
          (sum, h, i) =>
            sum +
            (exposures[i] ?? 0) * ((close(h.symbol, k + barsPerDay - 1) ?? 0) / (close(h.symbol, k - 1) ?? 1) - 1),
          0,
        ),
      );
    }
    pnl.sort((a, b) => a - b);
    const position = (pnl.length - 1) * 0.05;
    const lo = Math.floor(position);
    const quantile = (pnl[lo] ?? 0) + (position - lo) * ((pnl[lo + 1] ?? 0) - (pnl[lo] ?? 0));
    expect(metrics.observations.var_scenarios).toBe(pnl.length);
    expect(pnl.length).toBeGreaterThan(100);
    expect(metrics.var_95_1d).toBeCloseTo(-quantile, 6);

    // One-bar simple returns on the bars where every held symbol has one.
    const rows: number[][] = [];
    const rowSlots: number[] = [];
    for (let s = start; s <= slot; s += 1) {
      const row = held.map((h) => simpleReturn(h.symbol, s));
      if (row.every((r) => r !== undefined)) {
        rows.push(row.map((r) => r ?? 0));
        rowSlots.push(s);
      }
    }
    expect(metrics.observations.complete_bars).toBe(rows.length);
    const n = rows.length;
    const means = held.map((_, i) => rows.reduce((sum, row) => sum + (row[i] ?? 0), 0) / n);
    const cov = (i: number, j: number): number =>
      rows.reduce((sum, row) => sum + ((row[i] ?? 0) - (means[i] ?? 0)) * ((row[j] ?? 0) - (means[j] ?? 0)), 0) /
      (n - 1);
    let variance = 0;
    for (let i = 0; i < held.length; i += 1)
      for (let j = 0; j < held.length; j += 1) variance += (exposures[i] ?? 0) * (exposures[j] ?? 0) * cov(i, j);
    expect(metrics.var_95_1d_parametric).toBeCloseTo(1.6448536269514722 * Math.sqrt(barsPerDay * variance), 6);
    for (let i = 0; i < held.length; i += 1) {
      for (let j = 0; j < held.length; j += 1) {
        expect(metrics.correlation_matrix?.[i]?.[j]).toBeCloseTo(cov(i, j) / Math.sqrt(cov(i, i) * cov(j, j)), 12);
      }
    }

    // Beta on the equal-weighted index of all six symbols (those with a return in the bar).
    const pairs: [number, number][] = [];
    for (const s of rowSlots) {
      const available = symbols.map((symbol) => simpleReturn(symbol, s)).filter((r) => r !== undefined);
      if (available.length === 0) continue;
      const m = available.reduce((sum, r) => sum + r, 0) / available.length;
      const rp = held.reduce((sum, h, i) => sum + ((exposures[i] ?? 0) / total) * (simpleReturn(h.symbol, s) ?? 0), 0);
      pairs.push([rp, m]);
    }
    const mp = pairs.reduce((sum, p) => sum + p[0], 0) / pairs.length;
    const mm = pairs.reduce((sum, p) => sum + p[1], 0) / pairs.length;
    const cross = pairs.reduce((sum, p) => sum + (p[0] - mp) * (p[1] - mm), 0);
    const squares = pairs.reduce((sum, p) => sum + (p[1] - mm) ** 2, 0);
    expect(metrics.observations.beta_bars).toBe(pairs.length);
    expect(metrics.portfolio_beta).toBeCloseTo(cross / squares, 12);

    // Sharpe: per-bar equity returns over the last 7 days (7 × 20 + 1 points), annualised by √(20 × 252).
    const recent: number[] = [];
    for (let s = slot - 7 * barsPerDay + 1; s <= slot; s += 1) {
      const v = values.get(s);
      const before = values.get(s - 1);
      if (v !== undefined && before !== undefined) recent.push(v / before - 1);
    }
    const mr = recent.reduce((sum, r) => sum + r, 0) / recent.length;
    const sdr = Math.sqrt(recent.reduce((sum, r) => sum + (r - mr) ** 2, 0) / (recent.length - 1));
    expect(metrics.observations.sharpe_returns).toBe(recent.length);
    expect(metrics.sharpe_ratio_7d).toBeCloseTo((mr / sdr) * Math.sqrt(barsPerDay * 252), 9);

    // Drawdown: brute force over every (peak, trough) pair of the last 30 days + 1 points.
    const curve: number[] = [];
    for (let s = slot - window; s <= slot; s += 1) {
      const v = values.get(s);
      if (v !== undefined) curve.push(v);
    }
    let worst = 0;
    for (let i = 0; i < curve.length; i += 1)
      for (let j = i; j < curve.length; j += 1) worst = Math.max(worst, 1 - (curve[j] ?? 0) / (curve[i] ?? 1));
    expect(metrics.max_drawdown_30d).toBeCloseTo(worst, 14);
  });
});
