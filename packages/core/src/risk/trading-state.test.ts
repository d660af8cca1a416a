import { describe, expect, it } from "vitest";
import type { RiskActor } from "./risk-audit";
import {
  initialTradingState,
  reduceOnlyQuantity,
  type TradingStateName,
  type TradingStateRecord,
  tradingStateVerdict,
  transitionTradingState,
} from "./trading-state";

const officer: RiskActor = { id: "ana@desk", role: "risk_officer" };
const monitor: RiskActor = { id: "system:daily-loss-monitor", role: "system" };
const start = initialTradingState("p1", 1_000);

function moved(from: TradingStateRecord, to: TradingStateName, actor: RiskActor): TradingStateRecord {
  const result = transitionTradingState(from, { to, actor, reason: "test move" }, from.time + 1);
  if (!result.ok) throw new Error(result.message);
  return result.record;
}

describe("transitionTradingState", () => {
  it("lets a risk officer halt with a reason, recorded and audited", () => {
    const result = transitionTradingState(start, { to: "HALTED", actor: officer, reason: "venue outage" }, 5_000);
    expect(result).toEqual({
      ok: true,
      record: {
        portfolioId: "p1",
        state: "HALTED",
        setBy: "ana@desk",
        role: "risk_officer",
        reason: "venue outage",
        time: 5_000,
      },
      audit: {
        time: 5_000,
        actor: "ana@desk",
        action: "trading_state.halt",
        entityType: "portfolio",
        entityId: "p1",
        before: { state: "ACTIVE", setBy: "system", reason: "portfolio opened", time: 1_000 },
        after: { state: "HALTED" },
        reason: "venue outage",
      },
    });
  });

  it("lets the platform tighten but never loosen; loosening is a risk officer's call", () => {
    const reducing = moved(start, "REDUCING", monitor);
    const halted = moved(reducing, "HALTED", monitor);
    for (const [from, to] of [
      [halted, "ACTIVE"],
      [halted, "REDUCING"],
      [reducing, "ACTIVE"],
    ] as const) {
      expect(transitionTradingState(from, { to, actor: monitor, reason: "auto" }, 9)).toMatchObject({
        ok: false,
        code: "FORBIDDEN",
      });
    }
    const resumed = transitionTradingState(halted, { to: "ACTIVE", actor: officer, reason: "outage over" }, 9);
    expect(resumed).toMatchObject({ ok: true, record: { state: "ACTIVE" }, audit: { action: "trading_state.resume" } });
    expect(moved(halted, "REDUCING", { id: "root", role: "admin" }).state).toBe("REDUCING");
  });

  it("refuses traders and researchers, a missing reason, an unknown state and no change", () => {
    for (const role of ["trader", "researcher"] as const) {
      expect(
        transitionTradingState(start, { to: "HALTED", actor: { id: "x", role }, reason: "panic" }, 2),
      ).toMatchObject({
        ok: false,
        code: "FORBIDDEN",
      });
    }
    expect(transitionTradingState(start, { to: "HALTED", actor: officer, reason: "  " }, 2)).toMatchObject({
      ok: false,
      code: "INVALID",
    });
    expect(
      transitionTradingState(start, { to: "PAUSED" as TradingStateName, actor: officer, reason: "why" }, 2),
    ).toMatchObject({ ok: false, code: "INVALID" });
    expect(transitionTradingState(start, { to: "ACTIVE", actor: officer, reason: "again" }, 2)).toMatchObject({
      ok: false,
      code: "UNCHANGED",
    });
  });
});

describe("what each state lets through", () => {
  it("reduce-only allows shrinking a position without turning it around", () => {
    expect(reduceOnlyQuantity(100, "SELL")).toBe(100);
    expect(reduceOnlyQuantity(100, "BUY")).toBe(0);
    expect(reduceOnlyQuantity(0, "SELL")).toBe(0);
    expect(reduceOnlyQuantity(-40, "BUY")).toBe(40);
    expect(reduceOnlyQuantity(-40, "SELL")).toBe(0);
  });

  it("ACTIVE passes, REDUCING passes only reductions, HALTED nothing", () => {
    expect(tradingStateVerdict("ACTIVE", 0, "BUY", 1_000)).toBe("pass");
    expect(tradingStateVerdict("REDUCING", 100, "SELL", 100)).toBe("pass");
    expect(tradingStateVerdict("REDUCING", 100, "SELL", 101)).toBe("REDUCE_ONLY");
    expect(tradingStateVerdict("REDUCING", 100, "BUY", 1)).toBe("REDUCE_ONLY");
    expect(tradingStateVerdict("HALTED", 100, "SELL", 1)).toBe("TRADING_HALTED");
  });
});
