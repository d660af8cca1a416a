import { type Bar, barEndTime } from "../../market/bar";

/*
 * A second, deliberately naive implementation of every registered feature, written from the
 * textbook definitions without the indicator classes: whole arrays, every window recomputed from
 * scratch at every bar (O(n·window)), every recursion written out plainly, Wilder's ADX in his own
 * running-sum form. Nothing here is shared with the code under test except the Bar type; where a
 * definition leaves a case open (0/0), the convention the registry documents is applied here
 * independently.
 */

type Series = (number | undefined)[];
export type NaiveVector = Record<string, number>;

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/** Σ(v − mean)^p over the values, two-pass. */
function centralSum(values: readonly number[], p: number): number {
  const m = mean(values);
  let total = 0;
  for (const v of values) total += (v - m) ** p;
  return total;
}

function sampleStandardDeviation(values: readonly number[]): number {
  return Math.sqrt(centralSum(values, 2) / (values.length - 1));
}

function populationStandardDeviation(values: readonly number[]): number {
  return Math.sqrt(centralSum(values, 2) / values.length);
}

function allEqual(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}

/** values[t − n + 1 .. t], or undefined before index n − 1 or when one is undefined. */
function windowAt(values: Series, t: number, n: number): number[] | undefined {
  if (t < n - 1) return undefined;
  const out: number[] = [];
  for (let i = t - n + 1; i <= t; i += 1) {
    const v = values[i];
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * EMA with α = 2/(n + 1) of a series that starts at its first defined index f: nothing before
 * f + n − 1, the plain mean of the first n values there, then ema_t = α·x_t + (1 − α)·ema_{t−1}.
 */
function ema(values: Series, n: number): Series {
  const alpha = 2 / (n + 1);
  const out: Series = values.map(() => undefined);
  const first = values.findIndex((v) => v !== undefined);
  if (first < 0 || values.length < first + n) return out;
  let average = mean(values.slice(first, first + n) as number[]);
  out[first + n - 1] = average;
  for (let t = first + n; t < values.length; t += 1) {
    average = alpha * (values[t] as number) + (1 - alpha) * average;
    out[t] = average;
  }
  return out;
}
/** Wilder's average: avg_t = (avg_{t−1}·(n − 1) + x_t)/n, seeded by the mean of the first n. */
function wilder(values: Series, n: number): Series {
  const out: Series = values.map(() => undefined);
  const first = values.findIndex((v) => v !== undefined);
  if (first < 0 || values.length < first + n) return out;
  let average = mean(values.slice(first, first + n) as number[]);
  out[first + n - 1] = average;
  for (let t = first + n; t < values.length; t += 1) {
    average = (average * (n - 1) + (values[t] as number)) / n;
    out[t] = average;
  }
  return out;
}

function rsi(closes: readonly number[], n: number): Series {
  const gains: Series = closes.map((c, t) => (t === 0 ? undefined : Math.max(c - (closes[t - 1] as number), 0)));
  const losses: Series = closes.map((c, t) => (t === 0 ? undefined : Math.max((closes[t - 1] as number) - c, 0)));
  const averageGain = wilder(gains, n);
  const averageLoss = wilder(losses, n);
  return closes.map((_, t) => {
    const g = averageGain[t];
    const l = averageLoss[t];
    if (g === undefined || l === undefined) return undefined;
    // No movement at all in the averages: 50 by the registry's convention; else the textbook 100 − 100/(1 + RS).
    if (g === 0 && l === 0) return 50;
    return l === 0 ? 100 : 100 - 100 / (1 + g / l);
  });
}

/** Wilder's Directional Movement in his worksheet's form: running sums TR14 = TR14 − TR14/14 + TR. */
function directionalMovement(bars: readonly Bar[], n: number): { plusDi: Series; minusDi: Series; adx: Series } {
  const count = bars.length;
  const plusDi: Series = Array(count).fill(undefined);
  const minusDi: Series = Array(count).fill(undefined);
  const dx: Series = Array(count).fill(undefined);
  let trSum = 0;
  let plusSum = 0;
  let minusSum = 0;
  for (let t = 1; t < count; t += 1) {
    const bar = bars[t] as Bar;
    const previous = bars[t - 1] as Bar;
    const tr = Math.max(bar.high - bar.low, Math.abs(bar.high - previous.close), Math.abs(bar.low - previous.close));
    const up = bar.high - previous.high;
    const down = previous.low - bar.low;
    const plusDm = up > down && up > 0 ? up : 0;
    const minusDm = down > up && down > 0 ? down : 0;
    if (t <= n) {
      trSum += tr;
      plusSum += plusDm;
      minusSum += minusDm;
      if (t < n) continue;
    } else {
      trSum = trSum - trSum / n + tr;
      plusSum = plusSum - plusSum / n + plusDm;
      minusSum = minusSum - minusSum / n + minusDm;
    }
    const p = trSum === 0 ? 0 : (100 * plusSum) / trSum;
    const m = trSum === 0 ? 0 : (100 * minusSum) / trSum;
    plusDi[t] = p;
    minusDi[t] = m;
    dx[t] = p + m === 0 ? 0 : (100 * Math.abs(p - m)) / (p + m);
  }
  return { plusDi, minusDi, adx: wilder(dx, n) };
}

/** Least-squares slope of the values against 0..n−1, two-pass. */
function slope(values: readonly number[]): number {
  const n = values.length;
  const xBar = (n - 1) / 2;
  const yBar = mean(values);
  let numerator = 0;
  let denominator = 0;
  values.forEach((y, k) => {
    numerator += (k - xBar) * (y - yBar);
    denominator += (k - xBar) ** 2;
  });
  return numerator / denominator;
}

/** Sample skewness G1 and excess kurtosis G2 (Excel SKEW / KURT), from two-pass central moments. */
function shape(values: readonly number[]): { skewness: number; excessKurtosis: number } {
  const n = values.length;
  const m2 = centralSum(values, 2) / n;
  const m3 = centralSum(values, 3) / n;
  const m4 = centralSum(values, 4) / n;
  const g1 = m3 / m2 ** 1.5;
  const g2 = m4 / m2 ** 2 - 3;
  return {
    skewness: (Math.sqrt(n * (n - 1)) / (n - 2)) * g1,
    excessKurtosis: ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * g2 + 6),
  };
}

/** Every per-series feature of one series' bars (all of one symbol and timeframe, in time order). */
function naiveSeriesFeatures(bars: readonly Bar[]): NaiveVector[] {
  const opens = bars.map((b) => b.open);
  const highs = bars.map((b) => b.high);
  const lows = bars.map((b) => b.low);
  const closes = bars.map((b) => b.close);
  const volumes = bars.map((b) => b.volume);
  const logReturns: Series = closes.map((c, t) => (t === 0 ? undefined : Math.log(c / (closes[t - 1] as number))));

  const emas = new Map([12, 26, 50].map((n) => [n, ema(closes, n)]));
  const macdLine: Series = closes.map((_, t) => {
    const fast = emas.get(12)?.[t];
    const slow = emas.get(26)?.[t];
    return fast === undefined || slow === undefined ? undefined : fast - slow;
  });
  const signal = ema(macdLine, 9);
  const rsis = new Map([7, 14].map((n) => [n, rsi(closes, n)]));

  const trueRanges: Series = bars.map((bar, t) =>
    t === 0
      ? bar.high - bar.low
      : Math.max(
          bar.high - bar.low,
          Math.abs(bar.high - (closes[t - 1] as number)),
          Math.abs(bar.low - (closes[t - 1] as number)),
        ),
  );
  const atr = wilder(trueRanges, 14);
  const stochasticK: Series = closes.map((close, t) => {
    const h = windowAt(highs, t, 14);
    const l = windowAt(lows, t, 14);
    if (h === undefined || l === undefined) return undefined;
    const highest = Math.max(...h);
    const lowest = Math.min(...l);
    return highest === lowest ? 50 : (100 * (close - lowest)) / (highest - lowest);
  });
  const dmi = directionalMovement(bars, 14);
  const obv: Series = closes.map(() => undefined);
  let running = 0;
  for (let t = 1; t < closes.length; t += 1) {
    const change = (closes[t] as number) - (closes[t - 1] as number);
    running += change > 0 ? (volumes[t] as number) : change < 0 ? -(volumes[t] as number) : 0;
    obv[t] = running;
  }
  const hlRanges = bars.map((b) => (b.high - b.low) / b.close);

  return bars.map((bar, t) => {
    const f: Record<string, number | undefined> = {};
    const close = bar.close;
    f.price = close;
    for (const k of [1, 5, 15, 20, 60]) {
      f[`returns_${k}`] = t >= k ? close / (closes[t - k] as number) - 1 : undefined;
      f[`log_return_${k}`] = t >= k ? Math.log(close / (closes[t - k] as number)) : undefined;
    }
    for (const k of [5, 20, 60]) {
      const r = windowAt(logReturns, t, k);
      f[`volatility_${k}`] = r === undefined ? undefined : sampleStandardDeviation(r);
    }
    for (const k of [7, 14]) f[`rsi_${k}`] = rsis.get(k)?.[t];
    for (const k of [12, 26, 50]) {
      const e = emas.get(k)?.[t];
      f[`ema_${k}`] = e;
      f[`distance_ema_${k}`] = e === undefined ? undefined : (close - e) / e;
    }
    for (const k of [10, 20, 50]) {
      const w = windowAt(closes, t, k);
      const s = w === undefined ? undefined : mean(w);
      f[`sma_${k}`] = s;
      f[`distance_sma_${k}`] = s === undefined ? undefined : (close - s) / s;
    }
    f.macd = macdLine[t];
    f.macd_signal = signal[t];
    const line = macdLine[t];
    const sig = signal[t];
    f.macd_histogram = line === undefined || sig === undefined ? undefined : line - sig;

    const bollingerWindow = windowAt(closes, t, 20);
    if (bollingerWindow !== undefined) {
      const middle = mean(bollingerWindow);
      const sd = allEqual(bollingerWindow) ? 0 : populationStandardDeviation(bollingerWindow);
      const upper = middle + 2 * sd;
      const lower = middle - 2 * sd;
      f.bollinger_percent_b = upper === lower ? undefined : (close - lower) / (upper - lower);
      f.bollinger_bandwidth = (upper - lower) / middle;
    }
    const a = atr[t];
    f.atr_14 = a;
    f.atr_ratio_14 = a === undefined ? undefined : a / close;
    f.stochastic_k_14 = stochasticK[t];
    const d = windowAt(stochasticK, t, 3);
    f.stochastic_d_3 = d === undefined ? undefined : mean(d);
    f.adx_14 = dmi.adx[t];
    f.plus_di_14 = dmi.plusDi[t];
    f.minus_di_14 = dmi.minusDi[t];

    f.obv = obv[t];
    const obvWindow = windowAt(obv, t, 20);
    if (obvWindow !== undefined) {
      f.obv_slope_20 = slope(obvWindow);
      f.obv_zscore_20 = allEqual(obvWindow)
        ? undefined
        : ((obv[t] as number) - mean(obvWindow)) / sampleStandardDeviation(obvWindow);
    }
    if (t >= 20) {
      const previous = volumes.slice(t - 20, t);
      const baseline = mean(previous);
      f.volume_ratio = baseline > 0 ? bar.volume / baseline : undefined;
      f.volume_zscore_20 = allEqual(previous) ? undefined : (bar.volume - baseline) / sampleStandardDeviation(previous);
    }
    f.hl_range = hlRanges[t];
    const hl = windowAt(hlRanges, t, 20);
    f.hl_range_mean_20 = hl === undefined ? undefined : mean(hl);
    f.gap = t >= 1 ? (opens[t] as number) / (closes[t - 1] as number) - 1 : undefined;
    for (const k of [20, 60]) {
      const r = windowAt(logReturns, t, k);
      if (r === undefined || allEqual(r)) continue;
      const s = shape(r);
      f[`skew_${k}`] = s.skewness;
      f[`kurtosis_${k}`] = s.excessKurtosis;
    }
    return Object.fromEntries(Object.entries(f).filter((entry): entry is [string, number] => entry[1] !== undefined));
  });
}

/** The index of the last of the ascending `ends` below `end`, −1 if none (binary search). */
function lastBefore(ends: readonly number[], end: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ends[mid] as number) < end) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The ranked features: rank_<name> ranks <name>. */
const naiveRankedFeatures = ["returns_5", "volatility_20", "rsi_14"] as const;

/**
 * Every feature of every bar of a multi-symbol run (one timeframe), in input order: the series
 * features per symbol, then each rank from its definition — for a bar of s ending at E, s's own
 * value against, for every other symbol, its value at its latest bar ending strictly before E;
 * (below + equal/2)/others, absent with no other value.
 */
export function naiveFeatures(bars: readonly Bar[]): NaiveVector[] {
  const bySymbol = new Map<string, Bar[]>();
  for (const bar of bars) {
    const series = bySymbol.get(bar.symbol) ?? [];
    series.push(bar);
    bySymbol.set(bar.symbol, series);
  }
  const perSymbol = new Map<string, { ends: number[]; vectors: NaiveVector[] }>();
  for (const [symbol, series] of bySymbol) {
    perSymbol.set(symbol, { ends: series.map(barEndTime), vectors: naiveSeriesFeatures(series) });
  }
  const position = new Map<string, number>();
  return bars.map((bar) => {
    const index = position.get(bar.symbol) ?? 0;
    position.set(bar.symbol, index + 1);
    const own = perSymbol.get(bar.symbol)?.vectors[index] ?? {};
    const vector: NaiveVector = { ...own };
    const end = barEndTime(bar);
    for (const name of naiveRankedFeatures) {
      const x = own[name];
      if (x === undefined) continue;
      let others = 0;
      let below = 0;
      let equal = 0;
      for (const [symbol, other] of perSymbol) {
        if (symbol === bar.symbol) continue;
        const latest = lastBefore(other.ends, end);
        const v = latest < 0 ? undefined : other.vectors[latest]?.[name];
        if (v === undefined) continue;
        others += 1;
        if (v < x) below += 1;
        else if (v === x) equal += 1;
      }
      if (others > 0) vector[`rank_${name}`] = (below + equal / 2) / others;
    }
    return vector;
  });
}
