import type { RiskAlertEvent } from "../events/risk-alert-event";
import type { RiskPortfolioView } from "../risk/portfolio";
import type { RiskLimitSet } from "../risk/risk-limits";

type Measure = RiskAlertEvent["measure"];

interface Reading {
  readonly measure: Measure;
  readonly subject: string | null;
  readonly value: number;
  /** A WARNING above it (positions only). */
  readonly warn: number | null;
  readonly limit: number;
  /** At or below it, a raised measure re-arms. */
  readonly rearm: number;
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** Each position's share, each sector's share and the leverage of a portfolio, with their limits. */
function readings(view: RiskPortfolioView, limits: RiskLimitSet): Reading[] {
  const holdings = [...view.holdings()];
  let total = view.cash;
  for (const h of holdings) total += h.quantity * h.lastPrice;
  if (!(total > 0)) return [];
  const out: Reading[] = [];
  const sectors = new Map<string, number>();
  let gross = 0;
  for (const h of holdings) {
    const value = h.quantity * h.lastPrice;
    gross += Math.abs(value);
    const sector = view.sectorOf(h.symbol);
    if (sector !== undefined) sectors.set(sector, (sectors.get(sector) ?? 0) + value);
    out.push({
      measure: "position_size",
      subject: h.symbol,
      value: value / total,
      warn: limits.positionWarnShare,
      limit: limits.maxPositionShare,
      rearm: limits.positionWarnShare,
    });
  }
  for (const [sector, value] of sectors) {
    out.push({
      measure: "sector_exposure",
      subject: sector,
      value: value / total,
      warn: null,
      limit: limits.maxSectorShare,
      rearm: limits.sectorWarnShare,
    });
  }
  // Re-armed at the same 92% of the limit as the position and sector warnings.
  const leverage = { warn: null, limit: limits.maxLeverage, rearm: 0.92 * limits.maxLeverage };
  out.push({ measure: "leverage", subject: null, value: gross / total, ...leverage });
  return out;
}

/**
 * The spec's risk alerts, from the portfolio after every fill and price update:
 * - WARNING when a position rises above the alert threshold (23% by default);
 * - CRITICAL when a position, a sector or the leverage is above its hard limit: a breach the
 *   pre-trade gate did not block. After a fill it means an approved trade breached a limit (an
 *   integrity failure); after a price update, that prices carried the book past a limit, which
 *   the gate cannot prevent but a risk officer must act on (REDUCING).
 * Alerts fire when a measure crosses its level, and re-arm once it is back under the warning
 * level (92% of the limit): a position drifting around 25% raises one alert, not one per bar.
 */
export class RiskAlertMonitor {
  readonly #portfolioId: string;
  /** `${measure}|${subject}` → the level the measure is above: warning or limit. */
  readonly #raised = new Map<string, "warning" | "limit">();

  constructor(portfolioId: string) {
    this.#portfolioId = portfolioId;
  }

  /** The alerts raised by the portfolio's state now (epoch ms `time`). */
  scan(
    view: RiskPortfolioView,
    limits: RiskLimitSet,
    trigger: RiskAlertEvent["trigger"],
    time: number,
  ): RiskAlertEvent[] {
    const alerts: RiskAlertEvent[] = [];
    const seen = new Set<string>();
    for (const r of readings(view, limits)) {
      const key = `${r.measure}|${r.subject ?? ""}`;
      seen.add(key);
      const before = this.#raised.get(key);
      if (r.value > r.limit) {
        this.#raised.set(key, "limit");
        if (before !== "limit") alerts.push(this.#alert(r, "CRITICAL", trigger, time));
      } else if (r.warn !== null && r.value > r.warn) {
        if (before === undefined) alerts.push(this.#alert(r, "WARNING", trigger, time));
        // Back under the limit but still above the warning: stays raised, without a new alert.
        this.#raised.set(key, before ?? "warning");
      } else if (r.value <= r.rearm) {
        this.#raised.delete(key);
      }
    }
    // A position sold to nothing re-arms.
    for (const key of [...this.#raised.keys()]) if (!seen.has(key)) this.#raised.delete(key);
    return alerts;
  }

  #alert(
    r: Reading,
    severity: "WARNING" | "CRITICAL",
    trigger: RiskAlertEvent["trigger"],
    time: number,
  ): RiskAlertEvent {
    const subject = r.subject === null ? "" : ` ${r.subject}`;
    const threshold = severity === "CRITICAL" ? r.limit : (r.warn ?? r.limit);
    const what =
      r.measure === "leverage"
        ? `Leverage ${r.value.toFixed(3)}`
        : `${r.measure.replace("_", " ")}${subject} at ${percent(r.value)}`;
    const limitText = r.measure === "leverage" ? `${threshold}` : percent(threshold);
    const message =
      severity === "CRITICAL"
        ? `${what} breaches its ${limitText} limit, not blocked before the ${trigger === "fill" ? "fill (an approved trade breached it: integrity failure)" : "price move"}`
        : `${what} is above the ${limitText} alert threshold`;
    return {
      event_type: "risk_alert",
      alert_id: `${this.#portfolioId}:${r.measure}:${r.subject ?? "-"}:${severity}:${time}`,
      timestamp: new Date(time).toISOString(),
      portfolio_id: this.#portfolioId,
      severity,
      code: severity === "CRITICAL" ? "LIMIT_BREACH_NOT_BLOCKED" : "POSITION_WARNING",
      measure: r.measure,
      subject: r.subject,
      value: r.value,
      threshold,
      message,
      trigger,
    };
  }
}
