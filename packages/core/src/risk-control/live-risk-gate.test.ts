import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { silentLogger } from "../ports/logger";
import { Portfolio } from "../risk/portfolio";
import type { PreTradeProposal } from "../risk/pre-trade-check";
import { ReturnsWindow } from "../risk/returns-window";
import { defaultRiskLimitSet, type RiskLimitSet, riskLimitSetSchema } from "../risk/risk-limits";
import { initialTradingState } from "../risk/trading-state";
import { LiveRiskGate } from "./live-risk-gate";
import { MarketRiskModel } from "./market-risk-model";
import { MemoryRiskControlRepository } from "./memory-risk-control-repository";
import { RiskControls } from "./risk-controls";

const t0 = Date.UTC(2025, 9, 21, 14, 30);
const officer = { id: "ana@desk", role: "risk_officer" as const };

function setup(limits: RiskLimitSet = defaultRiskLimitSet, market?: MarketRiskModel) {
  const clock = new ManualClock(t0);
  const portfolio = new Portfolio({ startingCash: 1_000_000 });
  const gate = new LiveRiskGate({
    portfolio,
    limits,
    tradingState: initialTradingState("paper", t0),
    clock,
    reservationTtlMs: 180_000,
    ...(market === undefined ? {} : { market }),
  });
  gate.observeBar({ symbol: "XXA", time: t0 - 60_000, close: 100 });
  return { clock, portfolio, gate };
}

const order = (quantity: number, extra: Partial<PreTradeProposal> = {}): PreTradeProposal => ({
  symbol: "XXA",
  side: "BUY",
  quantity,
  price: 100,
  clientId: "desk",
  ...extra,
});

const codes = (result: { rejection_reasons: readonly { code: string }[] }): string[] =>
  result.rejection_reasons.map((r) => r.code);

describe("LiveRiskGate: check reserves, preview does not", () => {
  it("preview reserves nothing, and check sees none of the previews", () => {
    const { gate } = setup();
    // 25% of 1,000,000 at 100 a share: 2,500 shares of XXA in all.
    for (let i = 0; i < 3; i += 1) expect(gate.preview(order(2_000)).approved).toBe(true);
    expect(gate.reservations()).toEqual([]);
    const first = gate.check(order(2_000));
    expect(first.result.approved).toBe(true);
    expect(first.reservation).toMatchObject({ symbol: "XXA", side: "BUY", quantity: 2_000, price: 100 });
    expect(gate.reservations()).toHaveLength(1);
    // The preview counts the check's reservation: 500 shares remain.
    const after = gate.preview(order(600, { clientId: "other" }));
    expect(after.approved).toBe(false);
    expect(codes(after)).toEqual(["CONCENTRATION_LIMIT"]);
    expect(after.allowed_quantity).toBe(500);
    expect(gate.preview(order(500, { clientId: "other" })).approved).toBe(true);
    expect(gate.reservations()).toHaveLength(1);
  });

  it("preview never counts against the throttle nor is remembered as a possible duplicate", () => {
    const limits = riskLimitSetSchema.parse({ throttle: { maxMessages: 2, perMs: 1_000 } });
    const { gate } = setup(limits);
    for (let i = 0; i < 10; i += 1) {
      const previewed = gate.preview(order(10));
      expect(previewed.approved).toBe(true);
      expect(previewed.checks.throttle).toBe("not_evaluated");
    }
    // Two checks in the second pass; the second repeats nothing the previews did.
    expect(gate.check(order(10)).result.approved).toBe(true);
    expect(codes(gate.check(order(10)).result)).toEqual(["DUPLICATE_ORDER"]);
    expect(codes(gate.check(order(11)).result)).toEqual(["THROTTLED"]);
  });
});

describe("LiveRiskGate: suspend and resume", () => {
  it("refuses everything while suspended and resumes the controlled state, applying changes made meanwhile", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const controls = new RiskControls({ portfolioId: "paper", repository, clock, logger: silentLogger });
    await controls.load();
    const portfolio = new Portfolio({ startingCash: 1_000_000 });
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 100, price: 100 });
    const gate = new LiveRiskGate({
      portfolio,
      limits: controls.limits,
      tradingState: controls.tradingState,
      clock,
    });
    const unfollow = gate.follow(controls);
    gate.observeBar({ symbol: "XXA", time: t0, close: 100 });

    gate.suspend("lease lost");
    expect(gate.suspension).toBe("lease lost");
    expect(gate.tradingState).toMatchObject({ state: "HALTED", setBy: "system:risk-gate", reason: "lease lost" });
    expect(codes(gate.check(order(10)).result)).toEqual(["TRADING_HALTED"]);
    expect(codes(gate.preview(order(10, { side: "SELL" })))).toEqual(["TRADING_HALTED"]);
    expect(gate.reservations()).toEqual([]);

    // Changed while suspended: stays refused, then applies at resume.
    clock.advance(1_000);
    await controls.setTradingState("REDUCING", officer, "wind down");
    await controls.reviseLimits({ maxOrderQuantity: 40 }, officer, "small orders");
    expect(gate.tradingState.state).toBe("HALTED");
    expect(codes(gate.check(order(10, { side: "SELL" })).result)).toEqual(["TRADING_HALTED"]);
    // Limits apply at once, suspended or not.
    expect(gate.limits).toMatchObject({ version: 2, maxOrderQuantity: 40 });

    gate.resume();
    expect(gate.suspension).toBeNull();
    expect(gate.tradingState).toEqual(controls.tradingState);
    expect(gate.tradingState.state).toBe("REDUCING");
    // Reduce-only: a BUY grows the position, a SELL of the 100 held passes (under 40 a message).
    expect(codes(gate.check(order(10, { clientId: "a" })).result)).toEqual(["REDUCE_ONLY"]);
    expect(gate.check(order(30, { side: "SELL", clientId: "b" })).result.approved).toBe(true);
    expect(codes(gate.check(order(50, { side: "SELL", clientId: "c" })).result)).toEqual(["MAX_ORDER_QUANTITY"]);

    unfollow();
    clock.advance(1_000);
    await controls.setTradingState("HALTED", officer, "stop everything");
    expect(gate.tradingState.state).toBe("REDUCING");
  });
});

describe("LiveRiskGate: market inputs and limits", () => {
  /** Three symbols with 40 one-minute closes each, moving independently enough to estimate. */
  function market(): MarketRiskModel {
    const model = new MarketRiskModel(new ReturnsWindow({ intervalMs: 60_000, capacity: 100 }));
    return model;
  }

  function feed(gate: LiveRiskGate): void {
    for (let i = 0; i < 40; i += 1) {
      const time = t0 + i * 60_000;
      gate.observeBar({ symbol: "XXA", time, close: 100 * (1 + 0.01 * Math.sin(i)) });
      gate.observeBar({ symbol: "XXB", time, close: 50 * (1 + 0.01 * Math.cos(1.7 * i)) });
      gate.observeBar({ symbol: "XXC", time, close: 20 * (1 + 0.01 * Math.sin(2.3 * i + 1)) });
    }
  }

  it("estimates VaR over the symbol asked for, every symbol held and every symbol with a pending BUY", () => {
    const { gate, portfolio } = setup(defaultRiskLimitSet, market());
    feed(gate);
    expect(gate.lastPrice("XXC")).toBeCloseTo(20 * (1 + 0.01 * Math.sin(2.3 * 39 + 1)), 12);
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 10, price: 100 });
    const b = gate.check(order(10, { symbol: "XXB", price: gate.lastPrice("XXB") ?? 0 }));
    expect(b.result.approved).toBe(true);
    const inputs = gate.marketInputs("XXC");
    const estimate = inputs.varEstimate;
    if (estimate === undefined) throw new Error("a VaR estimator expected");
    expect(inputs.lastPrice).toBe(gate.lastPrice("XXC"));
    expect(
      estimate(
        new Map([
          ["XXA", 1_000],
          ["XXB", 500],
          ["XXC", 200],
        ]),
      ),
    ).toBeGreaterThan(0);
    expect(() => estimate(new Map([["XXD", 1]]))).toThrow(/XXD/);
    // Another view (a what-if portfolio) holds nothing and has no reservations: XXC alone.
    const other = new Portfolio({ startingCash: 1_000 });
    const alone = gate.marketInputs("XXC", other).varEstimate;
    if (alone === undefined) throw new Error("a VaR estimator expected");
    expect(() => alone(new Map([["XXA", 1]]))).toThrow(/XXA/);
    expect(() => alone(new Map([["XXB", 1]]))).toThrow(/XXB/);
    expect(alone(new Map([["XXC", 200]]))).toBeGreaterThan(0);
    // Before enough history: no estimator, and the VaR limit is reported not evaluated.
    const cold = setup(defaultRiskLimitSet, market());
    expect(cold.gate.marketInputs("XXA").varEstimate).toBeUndefined();
    expect(cold.gate.check(order(10)).result.checks.var_limit).toBe("not_evaluated");
  });

  it("follows the controls: a limit revision applies to the very next check", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const controls = new RiskControls({ portfolioId: "paper", repository, clock, logger: silentLogger });
    await controls.load();
    const { gate } = setup();
    gate.follow(controls);
    expect(gate.check(order(10, { clientId: "a" })).result.approved).toBe(true);
    await controls.reviseLimits({ maxOrderQuantity: 5 }, officer, "tiny orders");
    const refused = gate.check(order(10, { clientId: "b" }));
    expect(codes(refused.result)).toEqual(["MAX_ORDER_QUANTITY"]);
    expect(refused.result.allowed_quantity).toBe(5);
    expect(refused.result.limits_version).toBe(2);
  });
});
