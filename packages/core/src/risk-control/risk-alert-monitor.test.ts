import { describe, expect, it } from "vitest";
import { riskAlertEvent } from "../events/risk-alert-event";
import { Portfolio } from "../risk/portfolio";
import { defaultRiskLimitSet } from "../risk/risk-limits";
import { RiskAlertMonitor } from "./risk-alert-monitor";

const t0 = Date.UTC(2025, 9, 21, 14, 30);
const limits = defaultRiskLimitSet;

describe("RiskAlertMonitor", () => {
  it("warns once when a position rises above 23%, not on every bar, and again after it fell back", () => {
    const portfolio = new Portfolio({ startingCash: 100_000 });
    const monitor = new RiskAlertMonitor("paper");
    // 230 × 100 = 23,000 of 100,000: exactly 23%, not above.
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 230, price: 100 });
    const scan = (close: number, minute: number) => {
      portfolio.markToMarket("XXA", close);
      return monitor.scan(portfolio, limits, "price", t0 + minute * 60_000);
    };
    expect(scan(100, 0)).toEqual([]);
    // 230 × 101 = 23,230 of 77,000 + 23,230 = 100,230.
    const [warning, ...more] = scan(101, 1);
    expect(more).toEqual([]);
    expect(riskAlertEvent.parse(warning)).toEqual(warning);
    expect(warning).toMatchObject({
      event_type: "risk_alert",
      portfolio_id: "paper",
      severity: "WARNING",
      code: "POSITION_WARNING",
      measure: "position_size",
      subject: "XXA",
      threshold: 0.23,
      trigger: "price",
      timestamp: new Date(t0 + 60_000).toISOString(),
      message: "position size XXA at 23.2% is above the 23.0% alert threshold",
    });
    expect(warning?.value).toBeCloseTo(23_230 / 100_230, 15);
    // Still above: no new alert, bar after bar.
    expect(scan(101.5, 2)).toEqual([]);
    expect(scan(101.2, 3)).toEqual([]);
    // Back to 23% (re-armed at the warning level), then above again: a second alert.
    expect(scan(100, 4)).toEqual([]);
    expect(scan(101, 5).map((a) => a.severity)).toEqual(["WARNING"]);
  });

  it("raises CRITICAL once when prices carry a position past 25%, and re-arms only under the warning level", () => {
    const portfolio = new Portfolio({ startingCash: 100_000 });
    const monitor = new RiskAlertMonitor("paper");
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 230, price: 100 });
    const scan = (close: number, minute: number) => {
      portfolio.markToMarket("XXA", close);
      return monitor.scan(portfolio, limits, "price", t0 + minute * 60_000);
    };
    // 230 × 110 = 25,300 of 102,300 = 24.73%: a warning, under the limit.
    expect(scan(110, 0).map((a) => a.severity)).toEqual(["WARNING"]);
    // 230 × 112 = 25,760 of 102,760 = 25.07%.
    const critical = scan(112, 1);
    expect(critical).toHaveLength(1);
    expect(critical[0]).toMatchObject({
      severity: "CRITICAL",
      code: "LIMIT_BREACH_NOT_BLOCKED",
      measure: "position_size",
      subject: "XXA",
      threshold: 0.25,
      trigger: "price",
      alert_id: `paper:position_size:XXA:CRITICAL:${t0 + 60_000}`,
    });
    expect(critical[0]?.value).toBeCloseTo(25_760 / 102_760, 15);
    expect(critical[0]?.message).toMatch(/price move/);
    expect(scan(113, 2)).toEqual([]);
    // 230 × 111 = 25,530 of 102,530 = 24.90%: under the limit but not re-armed; 25% again is silent.
    expect(scan(111, 3)).toEqual([]);
    expect(scan(112, 4)).toEqual([]);
    // 230 × 99 = 22,770 of 99,770 = 22.82%: re-armed; then past 25% at once is CRITICAL again.
    expect(scan(99, 5)).toEqual([]);
    expect(scan(112, 6).map((a) => a.severity)).toEqual(["CRITICAL"]);
  });

  it("raises CRITICAL for a fill that breached a position or sector limit: an approval the gate should not have made", () => {
    const portfolio = new Portfolio({
      startingCash: 100_000,
      sectors: { XXA: "technology", XXB: "technology", XXC: "technology", XXD: "energy" },
    });
    const monitor = new RiskAlertMonitor("paper");
    for (const [symbol, quantity] of [
      ["XXA", 240],
      ["XXB", 240],
      ["XXC", 30],
      ["XXD", 100],
    ] as const) {
      portfolio.applyFill({ symbol, side: "BUY", quantity, price: 100 });
    }
    // XXA and XXB 24,000 each of 100,000 (warnings); technology 51,000 = 51% > 50%.
    const alerts = monitor.scan(portfolio, limits, "fill", t0);
    expect(alerts.map((a) => [a.severity, a.measure, a.subject, a.value])).toEqual([
      ["WARNING", "position_size", "XXA", 0.24],
      ["WARNING", "position_size", "XXB", 0.24],
      ["CRITICAL", "sector_exposure", "technology", 0.51],
    ]);
    expect(alerts[2]?.message).toMatch(/integrity failure/);
    // XXD sold, 400 XXA more: XXA 64,000 of 100,000 = 64%; technology (91%) is raised already.
    portfolio.applyFill({ symbol: "XXD", side: "SELL", quantity: 100, price: 100 });
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 400, price: 100 });
    const breach = monitor.scan(portfolio, limits, "fill", t0 + 60_000);
    expect(breach.map((a) => [a.severity, a.measure, a.subject, a.value])).toEqual([
      ["CRITICAL", "position_size", "XXA", 0.64],
    ]);
    // Sold to nothing: XXA re-arms, and technology (27,000 = 27%) too; 300 XXA more breach both:
    // XXA 30%, technology 57%.
    portfolio.applyFill({ symbol: "XXA", side: "SELL", quantity: 640, price: 100 });
    expect(monitor.scan(portfolio, limits, "fill", t0 + 120_000)).toEqual([]);
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 300, price: 100 });
    expect(monitor.scan(portfolio, limits, "fill", t0 + 180_000).map((a) => [a.severity, a.subject, a.value])).toEqual([
      ["CRITICAL", "XXA", 0.3],
      ["CRITICAL", "technology", 0.57],
    ]);
  });
});
