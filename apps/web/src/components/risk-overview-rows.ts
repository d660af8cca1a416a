import type { RiskAlertEvent, RiskLimitSet } from "@tradeops/core";
import type { RiskAlertRow, RiskLimitRow } from "@tradeops/ui";

/** The parts of the published risk state (`risk.overview`'s `state`) that utilisation is measured from. */
export interface UtilisationSource {
  readonly portfolio: { readonly total_value: number };
  readonly limit_utilization: {
    readonly max_position_size_pct: number;
    readonly max_sector_exposure_pct: number;
    readonly leverage_ratio: number;
    readonly daily_loss_limit_pct: number;
  };
  readonly risk_metrics: { readonly var_95_1d: number | null };
}

/**
 * Each limit's use, measured against the limits in force now (`controls.limits`) rather than the
 * ones the state was published with, so a revision shows at once; warnings at the alert levels.
 */
export function utilisationRows(state: UtilisationSource, limits: RiskLimitSet): RiskLimitRow[] {
  const used = state.limit_utilization;
  const rows: RiskLimitRow[] = [
    {
      limit: "max_position_size_pct",
      label: "Largest position",
      current: used.max_position_size_pct,
      threshold: limits.maxPositionShare,
      warnAt: limits.positionWarnShare / limits.maxPositionShare,
      unit: "percent",
    },
    {
      limit: "max_sector_exposure_pct",
      label: "Largest sector",
      current: used.max_sector_exposure_pct,
      threshold: limits.maxSectorShare,
      warnAt: limits.sectorWarnShare / limits.maxSectorShare,
      unit: "percent",
    },
    {
      limit: "leverage_ratio",
      label: "Leverage",
      current: used.leverage_ratio,
      threshold: limits.maxLeverage,
      unit: "multiple",
    },
    {
      limit: "daily_loss_limit_pct",
      label: "Daily loss",
      current: used.daily_loss_limit_pct,
      threshold: limits.maxDailyLossShare,
      unit: "percent",
    },
  ];
  const value = state.risk_metrics.var_95_1d;
  if (value !== null) {
    const total = state.portfolio.total_value;
    rows.push(
      limits.maxVar95.basis === "share"
        ? {
            limit: "var_95_1d",
            label: "VaR 95% 1-day",
            current: total > 0 ? value / total : Number.POSITIVE_INFINITY,
            threshold: limits.maxVar95.value,
            unit: "percent",
          }
        : { limit: "var_95_1d", label: "VaR 95% 1-day ($)", current: value, threshold: limits.maxVar95.value },
    );
  }
  return rows;
}

export function alertRows(alerts: readonly RiskAlertEvent[]): RiskAlertRow[] {
  return alerts.map((alert) => ({
    id: alert.alert_id,
    time: Date.parse(alert.timestamp),
    severity: alert.severity,
    code: alert.code,
    message: alert.message,
    subject: alert.subject,
  }));
}

/** How long a WARNING keeps the Live page's banner up, on the alerts' own (market) clock. */
export const recentAlertMs = 5 * 60_000;

/**
 * The alerts the Live page's banner is about: every CRITICAL one (a breach the gate did not block
 * stays a problem until someone looks at it) and warnings raised within `recentAlertMs` of
 * `reference`, minus those dismissed in this tab. Alerts carry market time (a simulated market runs
 * ahead of the wall clock), so `reference` is the market's time: the latest decision's.
 */
export function bannerAlerts(
  alerts: readonly RiskAlertEvent[],
  dismissed: ReadonlySet<string>,
  reference: number,
): RiskAlertEvent[] {
  return alerts.filter(
    (alert) =>
      !dismissed.has(alert.alert_id) &&
      (alert.severity === "CRITICAL" || reference - Date.parse(alert.timestamp) <= recentAlertMs),
  );
}
