"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "./empty-state";
import { formatClock, formatPercent } from "./format";

/** One symbol's hierarchical-risk-parity target weight beside its current share of the portfolio. */
export interface HrpWeightRow {
  readonly symbol: string;
  /** In [0, 1]; the targets of the universe sum to one. */
  readonly target: number;
  /** The holding's market value over the portfolio's total value (0 when not held). */
  readonly current: number;
}

export interface HrpWeightsChartProps {
  readonly rows: readonly HrpWeightRow[];
  /** Epoch milliseconds of the estimate. */
  readonly asOf?: number;
  readonly loading?: boolean;
  /** Plot height in pixels. */
  readonly height?: number;
}

const series = [
  { key: "target", label: "HRP target", color: "var(--accent)" },
  { key: "current", label: "Current", color: "var(--warn)" },
] as const;

const axisTick = { fill: "var(--muted)", fontSize: 11 };
const tooltipStyle = { background: "var(--panel)", border: "1px solid var(--border)", fontSize: 12 };

/** Largest target first, then by symbol, so the chart reads the same on every refresh. */
export function byTarget(rows: readonly HrpWeightRow[]): HrpWeightRow[] {
  return [...rows].sort((a, b) => b.target - a.target || a.symbol.localeCompare(b.symbol));
}

/** The row whose current weight is furthest from its target, or undefined for no rows. */
export function largestGap(rows: readonly HrpWeightRow[]): HrpWeightRow | undefined {
  let found: HrpWeightRow | undefined;
  for (const row of rows) {
    if (found === undefined || Math.abs(row.current - row.target) > Math.abs(found.current - found.target)) found = row;
  }
  return found;
}

/**
 * HRP target weights against current weights per symbol as grouped bars, with the largest gap as
 * text and the figures as a table: bars are for the eye, the table for reading exact values.
 */
export function HrpWeightsChart({ rows, asOf, loading = false, height = 280 }: HrpWeightsChartProps) {
  const ordered = byTarget(rows);
  const gap = largestGap(ordered);
  return (
    <figure
      className="ui-figure"
      aria-label="HRP target versus current weights"
      aria-busy={loading}
      data-testid="hrp-chart"
      data-symbols={ordered.length}
    >
      {gap === undefined ? (
        <EmptyState>{loading ? "Loading HRP weights…" : "No HRP target yet: too little price history."}</EmptyState>
      ) : (
        <>
          <dl className="ui-legend" data-testid="hrp-summary">
            <div className="ui-legend-item">
              <dt>Symbols</dt>
              <dd className="mono">{ordered.length}</dd>
            </div>
            <div className="ui-legend-item" data-symbol={gap.symbol}>
              <dt>Largest gap</dt>
              <dd className="mono">
                {gap.symbol}: {formatPercent(gap.current)} held, {formatPercent(gap.target)} target
              </dd>
            </div>
            {asOf !== undefined ? (
              <div className="ui-legend-item">
                <dt>As of</dt>
                <dd className="mono">{formatClock(asOf)} UTC</dd>
              </div>
            ) : null}
          </dl>
          <div className="ui-chart-box" style={{ height }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={ordered} margin={{ top: 8, right: 4, bottom: 0, left: 0 }} barGap={1}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="symbol"
                  interval={0}
                  angle={-60}
                  textAnchor="end"
                  height={54}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <YAxis
                  tickFormatter={(value: number) => formatPercent(value, 0)}
                  width={44}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <Tooltip
                  contentStyle={tooltipStyle}
                  cursor={{ fill: "var(--border)", opacity: 0.4 }}
                  formatter={(value) => formatPercent(Number(value))}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {series.map((s) => (
                  <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details className="ui-details">
            <summary>Weights as a table</summary>
            <table className="table ui-compact-table" aria-label="HRP weights">
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col" className="num">
                    HRP target
                  </th>
                  <th scope="col" className="num">
                    Current
                  </th>
                </tr>
              </thead>
              <tbody>
                {ordered.map((row) => (
                  <tr key={row.symbol} data-symbol={row.symbol} data-target={row.target} data-current={row.current}>
                    <td>{row.symbol}</td>
                    <td className="num mono">{formatPercent(row.target)}</td>
                    <td className="num mono">{formatPercent(row.current)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}
