export interface SharpeEstimate {
  /** Annualised: mean / sample standard deviation of the per-interval returns, × √periodsPerYear. */
  readonly ratio: number;
  /** Per-interval returns it rests on. */
  readonly observations: number;
}

/**
 * Sharpe ratio of an equity curve sampled once per interval (oldest first, NaN where missing),
 * from its PER-INTERVAL simple returns V_t / V_{t−1} − 1 (only between two consecutive present
 * values), annualised by √periodsPerYear, with a zero risk-free rate (the portfolio's cash earns
 * nothing). Per-interval rather than daily returns: a week holds seven daily returns, and a ratio
 * of seven numbers is mostly noise, while 7 × 390 one-minute returns estimate the same annualised
 * quantity when returns are independent across intervals (the assumption behind the √ scaling).
 *
 * Undefined with fewer than 2 returns or when they have no spread (the ratio would be infinite or
 * rounding noise).
 */
export function sharpeRatio(values: ArrayLike<number>, periodsPerYear: number): SharpeEstimate | undefined {
  if (!(Number.isFinite(periodsPerYear) && periodsPerYear > 0)) {
    throw new RangeError(`periodsPerYear must be finite and positive, got ${periodsPerYear}`);
  }
  const returns: number[] = [];
  for (let t = 1; t < values.length; t += 1) {
    const previous = values[t - 1] ?? Number.NaN;
    const current = values[t] ?? Number.NaN;
    if (Number.isFinite(previous) && Number.isFinite(current)) returns.push(current / previous - 1);
  }
  const n = returns.length;
  if (n < 2) return undefined;
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = sum / n;
  let squares = 0;
  for (const r of returns) squares += (r - mean) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  if (!(sd > 1e-12 * Math.abs(mean))) return undefined;
  return { ratio: (mean / sd) * Math.sqrt(periodsPerYear), observations: n };
}

/**
 * The largest peak-to-trough fall of an equity curve (oldest first; NaN entries skipped) as a
 * fraction of the peak: max over t of (max_{s ≤ t} V_s − V_t) / max_{s ≤ t} V_s, in [0, 1); 0 for a
 * curve that never fell. Undefined for a curve with no values. O(T).
 */
export function maxDrawdown(values: ArrayLike<number>): number | undefined {
  let peak = Number.NaN;
  let worst: number | undefined;
  for (let t = 0; t < values.length; t += 1) {
    const value = values[t] ?? Number.NaN;
    if (Number.isNaN(value)) continue;
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`equity must be positive, got ${value} at ${t}`);
    if (!(value <= peak)) peak = value;
    worst = Math.max(worst ?? 0, (peak - value) / peak);
  }
  return worst;
}
