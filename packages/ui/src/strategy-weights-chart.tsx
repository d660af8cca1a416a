import { EmptyState } from "./empty-state";
import { clampPercent, formatPercent } from "./format";
import { StatusPill } from "./status-pill";

/** The meta-controller's blend of the three regime specialists; the weights sum to one. */
export interface StrategyWeights {
  readonly bull_specialist: number;
  readonly bear_specialist: number;
  readonly sideways_specialist: number;
}

/**
 * Something the meta-controller did not trust: `flagged` when it marked the weights anomalous, `fallback`
 * when it discarded them for its fallback blend.
 */
export interface WeightsAnomaly {
  readonly kind: "flagged" | "fallback";
  readonly detail?: string;
}

const strategies = [
  { key: "bull_specialist", label: "Bull specialist", color: "var(--ok)" },
  { key: "bear_specialist", label: "Bear specialist", color: "var(--bad)" },
  { key: "sideways_specialist", label: "Sideways specialist", color: "var(--accent)" },
] as const;

export interface StrategyWeightsChartProps {
  readonly weights: StrategyWeights | null | undefined;
  readonly anomaly?: WeightsAnomaly | null;
  readonly loading?: boolean;
}

function AnomalyBadge({ anomaly }: { anomaly: WeightsAnomaly }) {
  return (
    <p className="ui-anomaly" data-testid="strategy-anomaly" data-kind={anomaly.kind}>
      {anomaly.kind === "fallback" ? (
        <StatusPill tone="bad">fallback weights</StatusPill>
      ) : (
        <StatusPill tone="warn">anomaly flagged</StatusPill>
      )}
      {anomaly.detail ? <span className="muted"> {anomaly.detail}</span> : null}
    </p>
  );
}

/** The current strategy weights as horizontal bars with their percentages. */
export function StrategyWeightsChart({ weights, anomaly, loading = false }: StrategyWeightsChartProps) {
  return (
    <figure className="ui-figure" aria-label="Strategy weights" aria-busy={loading} data-testid="strategy-weights">
      {anomaly ? <AnomalyBadge anomaly={anomaly} /> : null}
      {weights ? (
        <ul className="ui-bars">
          {strategies.map((strategy) => {
            const weight = weights[strategy.key];
            return (
              <li key={strategy.key} className="ui-bar-row" data-strategy={strategy.key} data-value={weight}>
                <span className="ui-bar-label">{strategy.label}</span>
                <span className="ui-bar-track" aria-hidden="true">
                  <span
                    className="ui-bar-fill"
                    style={{ width: `${clampPercent(weight * 100)}%`, background: strategy.color }}
                  />
                </span>
                <span className="ui-bar-value mono">{formatPercent(weight)}</span>
              </li>
            );
          })}
        </ul>
      ) : (
        <EmptyState>{loading ? "Loading strategy weights…" : "No strategy weights yet."}</EmptyState>
      )}
    </figure>
  );
}
