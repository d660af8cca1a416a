import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { newestAlertsFirst, type RiskAlertRow, RiskAlertsList } from "./risk-alerts-list";

const t0 = Date.UTC(2025, 9, 21, 14, 30, 0);
const warning: RiskAlertRow = {
  id: "a1",
  time: t0,
  severity: "WARNING",
  code: "POSITION_WARNING",
  message: "AAPL is 23.4% of the portfolio",
  subject: "AAPL",
};
const critical: RiskAlertRow = {
  id: "a2",
  time: t0 + 60_000,
  severity: "CRITICAL",
  code: "LIMIT_BREACH_NOT_BLOCKED",
  message: "leverage 1.62 above its limit 1.5",
  subject: null,
};
const alerts = [warning, critical];

describe("RiskAlertsList", () => {
  it("puts the newest alert first, and a critical one before a warning raised with it", () => {
    expect(newestAlertsFirst(alerts).map((a) => a.id)).toEqual(["a2", "a1"]);
    const together = [
      { ...warning, id: "w" },
      { ...critical, id: "c", time: t0 },
      { ...warning, id: "w2" },
    ];
    expect(newestAlertsFirst(together).map((a) => a.id)).toEqual(["c", "w", "w2"]);
  });

  it("colours each alert by severity and shows its message, code and time", () => {
    const markup = renderToStaticMarkup(createElement(RiskAlertsList, { alerts }));
    expect(markup).toContain('aria-label="Risk alerts"');
    expect(markup.indexOf('data-alert-id="a2"')).toBeLessThan(markup.indexOf('data-alert-id="a1"'));
    expect(markup).toMatch(/data-severity="CRITICAL">.*?data-tone="bad">CRITICAL<\/span>/);
    expect(markup).toMatch(/data-severity="WARNING">.*?data-tone="warn">WARNING<\/span>/);
    expect(markup).toContain("leverage 1.62 above its limit 1.5");
    expect(markup).toContain('AAPL is 23.4% of the portfolio<span class="muted"> · AAPL</span>');
    expect(markup).toContain("LIMIT_BREACH_NOT_BLOCKED · 2025-10-21 14:31:00 UTC");
  });

  it("says when there is no alert", () => {
    expect(renderToStaticMarkup(createElement(RiskAlertsList, { alerts: [] }))).toContain("No risk alerts.");
  });
});
