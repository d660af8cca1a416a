/**
 * The market proxy: an EQUAL-weighted index of the universe, rebalanced every interval — its
 * return in an interval is the plain mean of the simple returns of the symbols that have one there
 * (NaN when none does). Equal rather than value weights because the universe carries no market
 * capitalisations; a symbol missing an interval simply sits that interval out.
 */
export function equalWeightedIndex(simpleReturns: readonly ArrayLike<number>[]): Float64Array {
  const length = simpleReturns[0]?.length ?? 0;
  if (simpleReturns.some((series) => series.length !== length)) throw new RangeError("return series differ in length");
  const index = new Float64Array(length);
  for (let t = 0; t < length; t += 1) {
    let sum = 0;
    let count = 0;
    for (const series of simpleReturns) {
      const r = series[t] ?? Number.NaN;
      if (Number.isFinite(r)) {
        sum += r;
        count += 1;
      }
    }
    index[t] = count === 0 ? Number.NaN : sum / count;
  }
  return index;
}

export interface BetaEstimate {
  readonly value: number;
  /** Intervals where both series had a value. */
  readonly observations: number;
}

/**
 * OLS beta of `series` on `market`: cov(x, m) / var(m) over the intervals where both are finite.
 * Undefined with fewer than 2 such intervals or a market that never moved.
 */
export function olsBeta(series: ArrayLike<number>, market: ArrayLike<number>): BetaEstimate | undefined {
  if (series.length !== market.length) throw new RangeError("series and market differ in length");
  const xs: number[] = [];
  const ms: number[] = [];
  for (let t = 0; t < series.length; t += 1) {
    const x = series[t] ?? Number.NaN;
    const m = market[t] ?? Number.NaN;
    if (Number.isFinite(x) && Number.isFinite(m)) {
      xs.push(x);
      ms.push(m);
    }
  }
  const n = xs.length;
  if (n < 2) return undefined;
  let sumX = 0;
  let sumM = 0;
  for (let t = 0; t < n; t += 1) {
    sumX += xs[t] ?? 0;
    sumM += ms[t] ?? 0;
  }
  const meanX = sumX / n;
  const meanM = sumM / n;
  let cross = 0;
  let squares = 0;
  for (let t = 0; t < n; t += 1) {
    const dm = (ms[t] ?? 0) - meanM;
    cross += ((xs[t] ?? 0) - meanX) * dm;
    squares += dm * dm;
  }
  if (!(squares > 0)) return undefined;
  return { value: cross / squares, observations: n };
}
