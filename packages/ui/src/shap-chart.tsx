"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from "recharts";
import { EmptyState } from "./empty-state";
import { formatFixed, formatSigned } from "./format";
import { summariseShap } from "./shap-contributions";

export interface ShapChartProps {
  /** φ per feature, in the model output's units. */
  readonly shapValues: Readonly<Record<string, number>>;
  /** The expected output over the background data: the output with every feature unknown. */
  readonly baseValue: number;
  /** The model's output for the decision: baseValue + Σ φ when every feature is supplied. */
  readonly modelOutput: number;
  /** How many features to draw, largest |φ| first; default 10. */
  readonly limit?: number;
}

const digits = 4;
const rowHeight = 26;
const axisTick = { fill: "var(--muted)", fontSize: 11 };

/**
 * Below this the gap between base + Σ φ and the output is floating-point noise; above it the supplied
 * values do not account for the whole output (typically a store that kept only the top features).
 */
function additivityTolerance(output: number): number {
  return 1e-6 * Math.max(1, Math.abs(output));
}

function signClass(value: number): string {
  if (value > 0) return "ui-positive";
  return value < 0 ? "ui-negative" : "muted";
}

/**
 * A decision's SHAP values: the largest contributions by |φ| as horizontal bars (positive green, negative
 * red), the same values as a table, and the additivity line base + Σ φ = output.
 */
export function ShapChart({ shapValues, baseValue, modelOutput, limit = 10 }: ShapChartProps) {
  const summary = summariseShap(shapValues, limit);
  const reconstructed = baseValue + summary.total;
  const gap = modelOutput - reconstructed;
  // Two stacked series, one per sign, so each bar takes its colour from its series.
  const data = summary.top.map((entry) => ({
    feature: entry.feature,
    positive: Math.max(0, entry.value),
    negative: Math.min(0, entry.value),
  }));
  const extent = Math.max(...summary.top.map((entry) => Math.abs(entry.value)), Number.MIN_VALUE);
  return (
    <figure className="ui-figure" aria-label="SHAP feature contributions" data-testid="shap-chart">
      <p className="ui-additivity mono" data-testid="shap-additivity">
        <span data-value={baseValue}>base {formatFixed(baseValue, digits)}</span>
        {" + "}
        <span data-value={summary.total}>Σ SHAP {formatSigned(summary.total, digits)}</span>
        {" = "}
        <span data-value={reconstructed}>{formatFixed(reconstructed, digits)}</span>
        {" · "}
        <span data-value={modelOutput}>output {formatFixed(modelOutput, digits)}</span>
        {Math.abs(gap) > additivityTolerance(modelOutput) ? (
          <span className="ui-additivity-gap" data-value={gap}>
            {" "}
            ({formatSigned(gap, digits)} not attributed to the features shown)
          </span>
        ) : null}
      </p>
      {summary.top.length === 0 ? (
        <EmptyState>No SHAP values for this decision.</EmptyState>
      ) : (
        <>
          <div className="ui-chart-box" style={{ height: data.length * rowHeight + 32 }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart
                data={data}
                layout="vertical"
                stackOffset="sign"
                margin={{ top: 4, right: 12, bottom: 0, left: 0 }}
              >
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" horizontal={false} />
                <XAxis
                  type="number"
                  domain={[-extent, extent]}
                  tickFormatter={(value: number) => formatFixed(value, 2)}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <YAxis
                  type="category"
                  dataKey="feature"
                  width={140}
                  interval={0}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <ReferenceLine x={0} stroke="var(--muted)" />
                <Bar dataKey="positive" stackId="phi" fill="var(--ok)" isAnimationActive={false} />
                <Bar dataKey="negative" stackId="phi" fill="var(--bad)" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <table className="table ui-shap-table" aria-label="SHAP values">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col" className="num">
                  SHAP value
                </th>
              </tr>
            </thead>
            <tbody>
              {summary.top.map((entry) => (
                <tr key={entry.feature} data-feature={entry.feature} data-value={entry.value}>
                  <td className="mono">{entry.feature}</td>
                  <td className={`num mono ${signClass(entry.value)}`}>{formatSigned(entry.value, digits)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.restCount > 0 ? (
            <p className="muted ui-shap-rest" data-testid="shap-rest">
              {summary.restCount} other {summary.restCount === 1 ? "feature" : "features"}: Σ SHAP{" "}
              {formatSigned(summary.restSum, digits)}
            </p>
          ) : null}
        </>
      )}
    </figure>
  );
}
