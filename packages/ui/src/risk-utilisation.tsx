import { EmptyState } from "./empty-state";
import { clampPercent, formatFixed, formatPercent } from "./format";
import type { Tone } from "./status-pill";

/** How a limit's figures read: 0.175 as "17.5%", 1.2 as "1.20×", or a plain number. */
export type LimitUnit = "percent" | "multiple" | "number";

export interface RiskLimitRow {
  /** Stable key of the limit, e.g. `max_position_size_pct`. */
  readonly limit: string;
  readonly label: string;
  /** The current value, in the same unit as the threshold. */
  readonly current: number;
  /** The limit itself; utilisation is current / threshold. */
  readonly threshold: number;
  /** Utilisation (a fraction of the threshold) from which the limit shows as a warning; default 0.8. */
  readonly warnAt?: number;
  readonly unit?: LimitUnit;
}

export const defaultWarnAt = 0.8;

/**
 * current / threshold. A non-positive threshold leaves no room at all, so any positive use of it is
 * reported as infinitely over.
 */
export function utilisation(current: number, threshold: number): number {
  if (threshold > 0) return current / threshold;
  return current > 0 ? Number.POSITIVE_INFINITY : 0;
}

/** ok below `warnAt`, warn from `warnAt`, bad at or past the limit itself. */
export function utilisationTone(fraction: number, warnAt: number = defaultWarnAt): Tone {
  if (Number.isNaN(fraction)) return "neutral";
  if (fraction >= 1) return "bad";
  return fraction >= warnAt ? "warn" : "ok";
}

function formatLimitValue(value: number, unit: LimitUnit): string {
  if (unit === "percent") return formatPercent(value);
  if (unit === "multiple") return `${formatFixed(value, 2)}×`;
  return formatFixed(value, 2);
}

/** Each risk limit as a meter of its current value against its threshold, coloured ok / warn / bad. */
export function RiskUtilisation({ rows, loading = false }: { rows: readonly RiskLimitRow[]; loading?: boolean }) {
  return (
    <figure className="ui-figure" aria-label="Risk utilisation" aria-busy={loading} data-testid="risk-utilisation">
      {rows.length === 0 ? (
        <EmptyState>{loading ? "Loading risk limits…" : "No risk limits reported yet."}</EmptyState>
      ) : (
        <ul className="ui-bars">
          {rows.map((row) => {
            const unit = row.unit ?? "number";
            const fraction = utilisation(row.current, row.threshold);
            const tone = utilisationTone(fraction, row.warnAt);
            const percentText = Number.isFinite(fraction) ? formatPercent(fraction, 0) : "over";
            const figures = `${formatLimitValue(row.current, unit)} of ${formatLimitValue(row.threshold, unit)}`;
            return (
              <li key={row.limit} className="ui-bar-row" data-limit={row.limit} data-tone={tone} data-value={fraction}>
                <span className="ui-bar-label">{row.label}</span>
                <meter
                  className={`ui-meter ui-meter-${tone}`}
                  aria-label={row.label}
                  aria-valuetext={`${percentText} of limit (${figures})`}
                  min={0}
                  max={100}
                  value={clampPercent(fraction * 100)}
                />
                <span className="ui-bar-value mono">{percentText}</span>
                <span className="ui-bar-detail mono muted">{figures}</span>
              </li>
            );
          })}
        </ul>
      )}
    </figure>
  );
}
