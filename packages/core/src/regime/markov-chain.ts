/**
 * A stationary distribution π (π·A = π, Σπ = 1) of the row-stochastic matrix `transition`: the
 * long-run share of time in each state, used as the prior of a filter that joins a series midway.
 *
 * Power iteration on the lazy chain (I + A)/2, which has the same stationary distributions as A but
 * is never periodic, so the iteration converges for every chain; for a reducible chain it returns
 * the stationary distribution reached from the uniform start.
 */
export function stationaryDistribution(transition: ReadonlyArray<ReadonlyArray<number>>): number[] {
  const k = transition.length;
  if (k === 0) throw new RangeError("stationaryDistribution: empty transition matrix");
  let current = new Array<number>(k).fill(1 / k);
  for (let iteration = 0; iteration < 1_000_000; iteration++) {
    const next = new Array<number>(k).fill(0);
    for (let i = 0; i < k; i++) {
      const row = transition[i];
      const mass = current[i] ?? 0;
      if (row === undefined || row.length !== k) throw new RangeError("stationaryDistribution: matrix must be square");
      next[i] = (next[i] ?? 0) + 0.5 * mass;
      for (let j = 0; j < k; j++) next[j] = (next[j] ?? 0) + 0.5 * mass * (row[j] ?? 0);
    }
    const total = next.reduce((sum, value) => sum + value, 0);
    let change = 0;
    for (let j = 0; j < k; j++) {
      const value = (next[j] ?? 0) / total;
      change += Math.abs(value - (current[j] ?? 0));
      next[j] = value;
    }
    current = next;
    if (change < 1e-15) break;
  }
  return current;
}
