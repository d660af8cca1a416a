import { z } from "zod";

/** The measures an alert can be about: each limit of the portfolio that a holding can breach. */
export const riskAlertMeasures = ["position_size", "sector_exposure", "leverage", "daily_loss", "var"] as const;

/**
 * The spec's risk alerts, on `risk.alerts.v1`:
 * - WARNING `POSITION_WARNING`: a position is above the alert threshold (23% by default);
 * - CRITICAL `LIMIT_BREACH_NOT_BLOCKED`: the portfolio breaches a hard limit that the pre-trade
 *   gate should have prevented (found after a fill or a price update): a system integrity issue.
 * An alert is raised when a measure crosses its threshold, not on every bar it stays above it.
 */
export const riskAlertEvent = z.object({
  event_type: z.literal("risk_alert"),
  alert_id: z.string().min(1),
  timestamp: z.iso.datetime({ offset: true }),
  portfolio_id: z.string().min(1),
  severity: z.enum(["WARNING", "CRITICAL"]),
  code: z.enum(["POSITION_WARNING", "LIMIT_BREACH_NOT_BLOCKED"]),
  measure: z.enum(riskAlertMeasures),
  /** The symbol (position alerts) or sector (sector alerts) concerned, if any. */
  subject: z.string().nullable(),
  value: z.number().finite(),
  threshold: z.number().finite(),
  message: z.string().min(1),
  /** What raised it: a fill, or a price update. */
  trigger: z.enum(["fill", "price"]),
});

export type RiskAlertEvent = z.output<typeof riskAlertEvent>;
