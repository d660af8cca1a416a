/** Latency summary in milliseconds, from raw samples (nearest-rank percentiles). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export function summarise(samplesMs: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samplesMs).sort();
  const count = sorted.length;
  if (count === 0)
    return { count, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const rank = (p: number) => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))] ?? Number.NaN;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: sorted[count - 1] ?? Number.NaN,
    mean: sum / count,
  };
}

function formatMs(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(2)} ms`;
}

/** One line per result, stable enough to paste into bench/RESULTS.md. */
export function report(label: string, summary: LatencySummary, extra: Record<string, string | number> = {}): string {
  const fields = Object.entries(extra).map(([key, value]) => `${key} ${value}`);
  return [
    label.padEnd(44),
    `n=${summary.count}`,
    `p50 ${formatMs(summary.p50)}`,
    `p95 ${formatMs(summary.p95)}`,
    `p99 ${formatMs(summary.p99)}`,
    `max ${formatMs(summary.max)}`,
    ...fields,
  ].join("  ");
}
