import { defaultRiskLimitSet, type RiskAlertEvent, type RiskLimitSet } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { alertRows, bannerAlerts, recentAlertMs, type UtilisationSource, utilisationRows } from "./risk-overview-rows";

const limits: RiskLimitSet = { ...defaultRiskLimitSet, maxLeverage: 2 };
// The spec's example risk state.
const state: UtilisationSource = {
  portfolio: { total_value: 1_000_000 },
  limit_utilization: {
    max_position_size_pct: 0.175,
    max_sector_exposure_pct: 0.45,
    leverage_ratio: 1.2,
    daily_loss_limit_pct: 0.015,
  },
  risk_metrics: { var_95_1d: 25_000 },
};

describe("utilisationRows", () => {
  it("measures each limit against the limits in force, warning at the alert levels", () => {
    const rows = utilisationRows(state, limits);
    expect(rows.map((r) => [r.limit, r.current, r.threshold])).toEqual([
      ["max_position_size_pct", 0.175, 0.25],
      ["max_sector_exposure_pct", 0.45, 0.5],
      ["leverage_ratio", 1.2, 2],
      ["daily_loss_limit_pct", 0.015, 0.02],
      ["var_95_1d", 0.025, 0.05],
    ]);
    expect(rows[0]?.warnAt).toBeCloseTo(0.92, 12);
    expect(rows[1]?.warnAt).toBeCloseTo(0.92, 12);
  });

  it("compares VaR in money under a currency limit, and leaves it out while unknown", () => {
    const money = utilisationRows(state, { ...limits, maxVar95: { basis: "currency", value: 20_000 } });
    expect(money.at(-1)).toMatchObject({ limit: "var_95_1d", current: 25_000, threshold: 20_000 });
    expect(money.at(-1)?.unit).toBeUndefined();
    const unknown = utilisationRows({ ...state, risk_metrics: { var_95_1d: null } }, limits);
    expect(unknown.map((r) => r.limit)).not.toContain("var_95_1d");
  });
});

const t0 = Date.UTC(2025, 9, 21, 14, 30, 0);
function alert(id: string, severity: RiskAlertEvent["severity"], time: number): RiskAlertEvent {
  return {
    event_type: "risk_alert",
    alert_id: id,
    timestamp: new Date(time).toISOString(),
    portfolio_id: "main",
    severity,
    code: severity === "CRITICAL" ? "LIMIT_BREACH_NOT_BLOCKED" : "POSITION_WARNING",
    measure: "position_size",
    subject: "AAPL",
    value: 0.24,
    threshold: 0.23,
    message: `${id} message`,
    trigger: "price",
  };
}

describe("alertRows", () => {
  it("keeps id, time, severity, code, message and subject", () => {
    expect(alertRows([alert("a", "WARNING", t0)])).toEqual([
      { id: "a", time: t0, severity: "WARNING", code: "POSITION_WARNING", message: "a message", subject: "AAPL" },
    ]);
  });
});

describe("bannerAlerts", () => {
  const alerts = [
    alert("old-critical", "CRITICAL", t0 - 3_600_000),
    alert("old-warning", "WARNING", t0 - recentAlertMs - 1),
    alert("recent-warning", "WARNING", t0 - recentAlertMs),
  ];

  it("keeps every CRITICAL alert and the recent warnings", () => {
    expect(bannerAlerts(alerts, new Set(), t0).map((a) => a.alert_id)).toEqual(["old-critical", "recent-warning"]);
  });

  it("drops what was dismissed", () => {
    expect(bannerAlerts(alerts, new Set(["old-critical"]), t0).map((a) => a.alert_id)).toEqual(["recent-warning"]);
  });
});
