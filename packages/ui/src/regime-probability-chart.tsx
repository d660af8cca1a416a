"use client";

import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "./empty-state";
import { formatClock, formatFixed, formatPercent } from "./format";

export interface RegimePoint {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly bull: number;
  readonly bear: number;
  readonly sideways: number;
  /** Entropy of the three probabilities, in nats. */
  readonly entropy: number;
}

/** The entropy of three equally likely regimes: the most uncertain the detector can be. */
export const maxRegimeEntropy = Math.log(3);

const regimeSeries = [
  { key: "bull", label: "Bull", color: "var(--ok)" },
  { key: "bear", label: "Bear", color: "var(--bad)" },
  { key: "sideways", label: "Sideways", color: "var(--accent)" },
] as const;

const axisTick = { fill: "var(--muted)", fontSize: 11 };
const tooltipStyle = { background: "var(--panel)", border: "1px solid var(--border)", fontSize: 12 };

export interface RegimeProbabilityChartProps {
  readonly points: readonly RegimePoint[];
  /** True while the first data is on its way; with data present the chart keeps showing it. */
  readonly loading?: boolean;
  /** Plot height in pixels: ResponsiveContainer fills its parent, so the parent must be sized. */
  readonly height?: number;
}

function RegimeSummary({ latest }: { latest: RegimePoint }) {
  return (
    <dl className="ui-legend" data-testid="regime-latest">
      {regimeSeries.map((series) => (
        <div key={series.key} className="ui-legend-item" data-series={series.key}>
          <dt>
            <span className="ui-swatch" style={{ background: series.color }} aria-hidden="true" />
            P({series.key})
          </dt>
          <dd className="mono" data-value={latest[series.key]}>
            {formatPercent(latest[series.key])}
          </dd>
        </div>
      ))}
      <div className="ui-legend-item" data-series="entropy">
        <dt>
          <span className="ui-swatch ui-swatch-line" aria-hidden="true" />
          Entropy
        </dt>
        <dd className="mono" data-value={latest.entropy}>
          {formatFixed(latest.entropy, 2)} nats
        </dd>
      </div>
      <div className="ui-legend-item" data-series="time">
        <dt>As of</dt>
        <dd className="mono" data-value={latest.time}>
          {formatClock(latest.time)} UTC
        </dd>
      </div>
    </dl>
  );
}

/**
 * Regime probabilities over time as stacked areas (they sum to one), with the detector's entropy as a line on
 * a second axis running to ln 3. The header repeats the latest values as text: SVG paths are hard to read
 * for people and tests alike.
 */
export function RegimeProbabilityChart({ points, loading = false, height = 260 }: RegimeProbabilityChartProps) {
  const ordered = [...points].sort((a, b) => a.time - b.time);
  const latest = ordered.at(-1);
  return (
    <figure
      className="ui-figure"
      aria-label="Regime probabilities over time"
      aria-busy={loading}
      data-testid="regime-chart"
      data-points={ordered.length}
    >
      {latest === undefined ? (
        <EmptyState>{loading ? "Loading regime probabilities…" : "No regime probabilities yet."}</EmptyState>
      ) : (
        <>
          <RegimeSummary latest={latest} />
          <div className="ui-chart-box" style={{ height }}>
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={ordered} margin={{ top: 8, right: 4, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
                <XAxis
                  dataKey="time"
                  type="number"
                  scale="time"
                  domain={["dataMin", "dataMax"]}
                  tickFormatter={formatClock}
                  minTickGap={48}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <YAxis
                  yAxisId="probability"
                  domain={[0, 1]}
                  ticks={[0, 0.25, 0.5, 0.75, 1]}
                  allowDataOverflow
                  tickFormatter={(value: number) => formatPercent(value, 0)}
                  width={44}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <YAxis
                  yAxisId="entropy"
                  orientation="right"
                  domain={[0, maxRegimeEntropy]}
                  ticks={[0, 0.5, 1, maxRegimeEntropy]}
                  allowDataOverflow
                  tickFormatter={(value: number) => formatFixed(value, 2)}
                  width={40}
                  stroke="var(--border)"
                  tick={axisTick}
                />
                <Tooltip
                  contentStyle={tooltipStyle}
                  labelFormatter={(label) => `${formatClock(Number(label))} UTC`}
                  formatter={(value, name) =>
                    name === "Entropy" ? `${formatFixed(Number(value), 2)} nats` : formatPercent(Number(value))
                  }
                />
                {regimeSeries.map((series) => (
                  <Area
                    key={series.key}
                    yAxisId="probability"
                    type="linear"
                    dataKey={series.key}
                    name={series.label}
                    stackId="regime"
                    stroke={series.color}
                    fill={series.color}
                    fillOpacity={0.35}
                    isAnimationActive={false}
                  />
                ))}
                <Line
                  yAxisId="entropy"
                  type="linear"
                  dataKey="entropy"
                  name="Entropy"
                  stroke="var(--text)"
                  strokeDasharray="4 3"
                  dot={false}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        </>
      )}
    </figure>
  );
}
