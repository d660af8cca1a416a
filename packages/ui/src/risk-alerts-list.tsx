import { EmptyState } from "./empty-state";
import { formatDateTime } from "./format-date-time";
import { StatusPill } from "./status-pill";

export type RiskAlertSeverity = "WARNING" | "CRITICAL";

export interface RiskAlertRow {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly severity: RiskAlertSeverity;
  /** e.g. POSITION_WARNING, LIMIT_BREACH_NOT_BLOCKED. */
  readonly code: string;
  readonly message: string;
  /** The symbol or sector concerned. */
  readonly subject?: string | null;
}

const rank: Readonly<Record<RiskAlertSeverity, number>> = { CRITICAL: 0, WARNING: 1 };

/** Newest first; of alerts raised together, CRITICAL ones first, then in the order given. */
export function newestAlertsFirst(rows: readonly RiskAlertRow[]): RiskAlertRow[] {
  return [...rows].sort((a, b) => b.time - a.time || rank[a.severity] - rank[b.severity]);
}

/** The portfolio's risk alerts, newest first, CRITICAL ones in red. */
export function RiskAlertsList({ alerts }: { alerts: readonly RiskAlertRow[] }) {
  if (alerts.length === 0) return <EmptyState>No risk alerts.</EmptyState>;
  return (
    <ul className="ui-alerts" aria-label="Risk alerts" data-testid="risk-alerts">
      {newestAlertsFirst(alerts).map((alert) => (
        <li
          key={alert.id}
          className={`ui-alert ui-alert-${alert.severity.toLowerCase()}`}
          data-alert-id={alert.id}
          data-severity={alert.severity}
        >
          <StatusPill tone={alert.severity === "CRITICAL" ? "bad" : "warn"}>{alert.severity}</StatusPill>
          <span className="ui-alert-message">
            {alert.message}
            {alert.subject ? <span className="muted"> · {alert.subject}</span> : null}
          </span>
          <span className="ui-alert-meta mono muted">
            {alert.code} · {formatDateTime(alert.time)} UTC
          </span>
        </li>
      ))}
    </ul>
  );
}
