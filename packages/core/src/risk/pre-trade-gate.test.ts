import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { Prng } from "../random/prng";
import { Portfolio } from "./portfolio";
import { checkPreTrade, type PreTradeProposal } from "./pre-trade-check";
import { PreTradeGate } from "./pre-trade-gate";
import { defaultRiskLimitSet, type RiskLimitSet, reviseLimits, riskLimitSetSchema } from "./risk-limits";
import { initialTradingState, transitionTradingState } from "./trading-state";

const officer = { id: "ana@desk", role: "risk_officer" as const };

function setup(limits: RiskLimitSet = defaultRiskLimitSet, options: { maxOpenReservations?: number } = {}) {
  const clock = new ManualClock(1_000_000);
  const portfolio = new Portfolio({ startingCash: 1_000_000, sectors: { XXA: "technology", XXB: "technology" } });
  const gate = new PreTradeGate({
    portfolio,
    limits,
    tradingState: initialTradingState("p1", clock.now()),
    clock,
    reservationTtlMs: 30_000,
    ...options,
  });
  return { clock, portfolio, gate };
}

const order = (quantity: number, clientId: string, extra: Partial<PreTradeProposal> = {}): PreTradeProposal => ({
  symbol: "XXA",
  side: "BUY",
  quantity,
  price: 100,
  clientId,
  ...extra,
});

describe("PreTradeGate: concurrent approvals never jointly breach a limit", () => {
  it("approves exactly as many of 100 concurrent checks as fit, refuses the rest with the right allowed_quantity, and frees the room on expiry", async () => {
    const { clock, portfolio, gate } = setup();
    // 25% of 1,000,000 at 100 a share: 2,500 shares of XXA. Each check asks for 60: alone each
    // fits (60 ≤ 2,500); together 6,000 do not. 41 × 60 = 2,460 fit; after them 40 shares remain.
    const alone = checkPreTrade(portfolio, order(60, "solo"), defaultRiskLimitSet, {
      tradingState: "ACTIVE",
      lastPrice: 100,
    });
    expect(alone.approved).toBe(true);

    const prng = Prng.fromSeed(100);
    const delays = Array.from({ length: 100 }, () => prng.int(6));
    const decisions = await Promise.all(
      delays.map(async (delay, i) => {
        // Each request gathers its market inputs asynchronously, as the API will, and the checks
        // interleave in whatever order those awaits finish.
        await sleep(delay);
        const lastPrice = await Promise.resolve(100);
        return gate.check(order(60, `client-${i}`), { lastPrice });
      }),
    );

    const approved = decisions.filter((d) => d.result.approved);
    const refused = decisions.filter((d) => !d.result.approved);
    expect(approved).toHaveLength(41);
    expect(refused).toHaveLength(59);
    for (const d of approved) expect(d.reservation).toMatchObject({ symbol: "XXA", side: "BUY", quantity: 60 });
    for (const d of refused) {
      expect(d.reservation).toBeNull();
      expect(d.result.rejection_reasons.map((r) => r.code)).toEqual(["CONCENTRATION_LIMIT"]);
      expect(d.result.allowed_quantity).toBe(40);
      // The exposure judged: 2,460 reserved + 60 asked, at 100, of 1,000,000.
      expect(d.result.rejection_reasons[0]?.proposed).toBeCloseTo(0.252, 15);
    }
    const reserved = gate.reservations().reduce((sum, r) => sum + r.quantity, 0);
    expect(reserved).toBe(2_460);
    expect(reserved * 100).toBeLessThanOrEqual(0.25 * portfolio.totalValue());

    // The approvals hold their room until they expire; then the whole 2,500 is free again.
    clock.advance(29_999);
    expect(gate.check(order(41, "late"), { lastPrice: 100 }).result.allowed_quantity).toBe(40);
    clock.advance(1);
    expect(gate.reservations()).toHaveLength(0);
    const after = gate.check(order(2_500, "after-expiry"), { lastPrice: 100 });
    expect(after.result.approved).toBe(true);
    expect(after.result.allowed_quantity).toBe(2_500);
  });

  it("moves exposure from the reservation to the portfolio on a fill, and frees it on a cancel", () => {
    const { portfolio, gate } = setup();
    const first = gate.check(order(1_000, "c1"), { lastPrice: 100 });
    const id = first.reservation?.id ?? "";
    // The venue fills 600: the portfolio books them and the gate releases them in one step.
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 600, price: 100 });
    expect(gate.fill(id, 600)).toBe(400);
    // 600 held + 400 reserved: (1,000 + q) × 100 ≤ 250,000 ⇔ q ≤ 1,500.
    expect(gate.check(order(1, "c2"), { lastPrice: 100 }).result.allowed_quantity).toBe(1_500);
    expect(gate.cancel(id)).toBe(true);
    // The approved single share stays reserved: 600 + 1 + q ≤ 2,500.
    expect(gate.check(order(1, "c3"), { lastPrice: 100 }).result.allowed_quantity).toBe(1_899);
  });

  it("counts pending SELLs against what may be sold again", () => {
    const { portfolio, gate } = setup();
    portfolio.applyFill({ symbol: "XXA", side: "BUY", quantity: 500, price: 100 });
    const sale = gate.check(order(300, "c1", { side: "SELL" }), { lastPrice: 100 });
    expect(sale.result.approved).toBe(true);
    const again = gate.check(order(300, "c2", { side: "SELL" }), { lastPrice: 100 });
    expect(again.result.rejection_reasons.map((r) => r.code)).toEqual(["INSUFFICIENT_POSITION"]);
    expect(again.result.allowed_quantity).toBe(200);
  });
});

describe("PreTradeGate: state, throttle and duplicates", () => {
  it("applies a HALT to the very next check, and lifts it when a risk officer resumes", () => {
    const { clock, gate } = setup();
    const halt = transitionTradingState(gate.tradingState, { to: "HALTED", actor: officer, reason: "kill switch" }, 1);
    if (!halt.ok) throw new Error(halt.message);
    gate.setTradingState(halt.record);
    const refused = gate.check(order(1, "c1"), { lastPrice: 100 });
    expect(refused.result.rejection_reasons.map((r) => r.code)).toEqual(["TRADING_HALTED"]);
    expect(refused.result.trading_state).toBe("HALTED");
    const resume = transitionTradingState(halt.record, { to: "ACTIVE", actor: officer, reason: "all clear" }, 2);
    if (!resume.ok) throw new Error(resume.message);
    gate.setTradingState(resume.record);
    clock.advance(5_000);
    expect(gate.check(order(1, "c1"), { lastPrice: 100 }).result.approved).toBe(true);
    expect(() => gate.setTradingState({ ...resume.record, portfolioId: "p2" })).toThrow(RangeError);
  });

  it("counts every well-formed message against the throttle, but not throttled or malformed ones", () => {
    const limits = riskLimitSetSchema.parse({ throttle: { maxMessages: 2, perMs: 1_000 } });
    const { clock, gate } = setup(limits);
    expect(() => gate.check(order(0, "c1"), { lastPrice: 100 })).toThrow(RangeError);
    // Refused for its size, it still counts.
    expect(gate.check(order(9_999, "c1"), { lastPrice: 100 }).result.approved).toBe(false);
    expect(gate.check(order(1, "c1"), { lastPrice: 100 }).result.approved).toBe(true);
    const third = gate.check(order(2, "c1"), { lastPrice: 100 });
    expect(third.result.rejection_reasons.map((r) => r.code)).toEqual(["THROTTLED"]);
    expect(third.result.allowed_quantity).toBe(0);
    expect(gate.check(order(2, "c2"), { lastPrice: 100 }).result.approved).toBe(true);
    // Leaving out the client id does not escape the throttle: anonymous messages share one.
    const anonymous = { symbol: "XXA", side: "BUY" as const, price: 100 };
    expect(gate.check({ ...anonymous, quantity: 1 }, { lastPrice: 100 }).result.approved).toBe(true);
    expect(gate.check({ ...anonymous, quantity: 2 }, { lastPrice: 100 }).result.approved).toBe(true);
    expect(gate.check({ ...anonymous, quantity: 3 }, { lastPrice: 100 }).result.checks.throttle).toBe("fail");
    clock.advance(1_000);
    expect(gate.check(order(3, "c1"), { lastPrice: 100 }).result.approved).toBe(true);
  });

  it("refuses an approved order sent again within the window, not one that was refused", () => {
    const { clock, gate } = setup();
    expect(gate.check(order(10, "c1"), { lastPrice: 100 }).result.approved).toBe(true);
    const again = gate.check(order(10, "c1"), { lastPrice: 100 });
    expect(again.result.rejection_reasons.map((r) => r.code)).toEqual(["DUPLICATE_ORDER"]);
    expect(again.reservation).toBeNull();
    expect(gate.check(order(11, "c1", { orderId: "o-1" }), { lastPrice: 100 }).result.approved).toBe(true);
    expect(gate.check(order(12, "c1", { orderId: "o-1" }), { lastPrice: 100 }).result.checks.duplicate).toBe("fail");
    // Refused (collar), so not remembered: the corrected resend is no duplicate.
    expect(gate.check(order(13, "c1"), { lastPrice: 80 }).result.approved).toBe(false);
    expect(gate.check(order(13, "c1"), { lastPrice: 100 }).result.approved).toBe(true);
    clock.advance(2_000);
    expect(gate.check(order(10, "c1"), { lastPrice: 100 }).result.approved).toBe(true);
  });

  it("throttles new orders while too many approvals await fills", () => {
    const { gate } = setup(defaultRiskLimitSet, { maxOpenReservations: 2 });
    gate.check(order(1, "c1"), { lastPrice: 100 });
    gate.check(order(1, "c2"), { lastPrice: 100 });
    const third = gate.check(order(1, "c3"), { lastPrice: 100 });
    expect(third.result.rejection_reasons).toEqual([
      { code: "THROTTLED", message: "2 approved orders are awaiting fills, the most allowed", limit: 2, proposed: 3 },
    ]);
    gate.cancel(gate.reservations()[0]?.id ?? "");
    expect(gate.check(order(1, "c3"), { lastPrice: 100 }).result.approved).toBe(true);
  });

  it("puts a limit revision in force for the next check", () => {
    const { gate } = setup();
    const revision = reviseLimits(
      gate.limits,
      { maxPositionShare: 0.1, positionWarnShare: 0.09, throttle: { maxMessages: 1, perMs: 60_000 } },
      { portfolioId: "p1", actor: officer, reason: "smaller book", time: 0 },
    );
    if (!revision.ok) throw new Error(revision.message);
    gate.setLimits(revision.limits);
    const result = gate.check(order(1, "c1"), { lastPrice: 100 }).result;
    expect(result.limits_version).toBe(2);
    // 10% of 1,000,000 at 100: 1,000 shares.
    expect(result.allowed_quantity).toBe(1_000);
    expect(gate.check(order(2, "c1"), { lastPrice: 100 }).result.checks.throttle).toBe("fail");
  });
});

describe("PreTradeGate.preview", () => {
  it("answers against the open reservations without reserving, throttling or remembering the order", () => {
    const throttled = riskLimitSetSchema.parse({ throttle: { maxMessages: 1, perMs: 1_000 } });
    const { gate } = setup(throttled);
    // 2,400 of the 2,500 shares the 25% limit allows are reserved by one approval.
    expect(gate.check(order(2_400, "a"), { lastPrice: 100 }).result.approved).toBe(true);
    const preview = gate.preview(order(200, "b"), { lastPrice: 100 });
    expect(preview.approved).toBe(false);
    expect(preview.rejection_reasons.map((r) => r.code)).toEqual(["CONCENTRATION_LIMIT"]);
    expect(preview.allowed_quantity).toBe(100);
    expect(preview.checks.throttle).toBe("not_evaluated");
    expect(preview.checks.duplicate).toBe("not_evaluated");
    // Previews took no throttle slot and reserved nothing: client b's first message still passes.
    expect(gate.preview(order(100, "b"), { lastPrice: 100 }).approved).toBe(true);
    expect(gate.reservations()).toHaveLength(1);
    expect(gate.check(order(100, "b"), { lastPrice: 100 }).result.approved).toBe(true);
    expect([...gate.reservedBuySymbols()]).toEqual(["XXA"]);
  });
});
