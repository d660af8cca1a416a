import { describe, expect, it } from "vitest";
import { InProcessEventBus } from "../embedded/in-process-event-bus";
import { ManualClock } from "../embedded/manual-clock";
import type { RiskControlsEvent } from "../events/risk-controls-event";
import { riskControlsTopic } from "../events/topics";
import { recordingLogger } from "../meta/meta-test-support";
import type { Subscription } from "../ports/event-bus";
import { silentLogger } from "../ports/logger";
import { Portfolio } from "../risk/portfolio";
import { defaultRiskLimitSet } from "../risk/risk-limits";
import { LiveRiskGate } from "./live-risk-gate";
import { MemoryRiskControlRepository } from "./memory-risk-control-repository";
import { RiskControls } from "./risk-controls";

const t0 = Date.UTC(2025, 9, 21, 14, 30);
const officer = { id: "ana@desk", role: "risk_officer" as const };
const trader = { id: "tom@desk", role: "trader" as const };

function controls(
  repository: MemoryRiskControlRepository,
  clock: ManualClock,
  announce?: (event: RiskControlsEvent) => Promise<void>,
): RiskControls {
  return new RiskControls({
    portfolioId: "paper",
    repository,
    clock,
    logger: silentLogger,
    ...(announce === undefined ? {} : { announce }),
  });
}

describe("RiskControls: loaded from and changed through the repository", () => {
  it("stores the defaults once (version 1, ACTIVE) and a second process reads the same", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const first = controls(repository, clock);
    expect(first.ready).toBe(false);
    expect(() => first.limits).toThrow(/not loaded/);
    await first.load();
    expect(first.ready).toBe(true);
    expect(first.limits).toEqual(defaultRiskLimitSet);
    expect(first.limits.version).toBe(1);
    expect(first.tradingState).toMatchObject({ portfolioId: "paper", state: "ACTIVE", time: t0 });
    expect(await repository.currentLimits("paper")).toMatchObject({ version: 1, reason: "default limits", time: t0 });

    clock.advance(60_000);
    const second = controls(repository, clock);
    await second.load();
    expect(second.limits).toEqual(first.limits);
    // Read, not stored again: the state keeps the first load's time, and no audit rows exist.
    expect(second.tradingState).toEqual(first.tradingState);
    expect(await repository.auditTrail("paper", 10)).toEqual([]);
  });

  it("stores a revision as the next version with its audit entry, applies it and announces it", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const announced: RiskControlsEvent[] = [];
    const c = controls(repository, clock, async (event) => {
      announced.push(event);
    });
    await c.load();
    const seen: number[] = [];
    c.onChange((limits) => seen.push(limits.maxPositionShare));
    clock.set(t0 + 5_000);
    const revision = await c.reviseLimits({ maxPositionShare: 0.2, positionWarnShare: 0.18 }, officer, "tighter book");
    expect(revision.ok).toBe(true);
    expect(c.limits).toMatchObject({ version: 2, maxPositionShare: 0.2, positionWarnShare: 0.18 });
    expect(await repository.currentLimits("paper")).toMatchObject({
      version: 2,
      createdBy: "ana@desk",
      reason: "tighter book",
      time: t0 + 5_000,
      limits: { maxPositionShare: 0.2 },
    });
    const trail = await c.auditTrail(10);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({
      time: t0 + 5_000,
      actor: "ana@desk",
      action: "risk_limits.update",
      entityType: "portfolio",
      entityId: "paper",
      reason: "tighter book",
      before: { version: 1, maxPositionShare: 0.25 },
      after: { version: 2, maxPositionShare: 0.2 },
    });
    // The listener saw the loaded set at subscription, then the revision.
    expect(seen).toEqual([0.25, 0.2]);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      portfolio_id: "paper",
      change: "limits",
      limits: { version: 2, maxPositionShare: 0.2 },
      trading_state: { state: "ACTIVE" },
      timestamp: new Date(t0 + 5_000).toISOString(),
    });
  });

  it("stores nothing for a refused revision: a bad value, a trader, an unchanged patch", async () => {
    const repository = new MemoryRiskControlRepository();
    const announced: RiskControlsEvent[] = [];
    const c = controls(repository, new ManualClock(t0), async (event) => {
      announced.push(event);
    });
    await c.load();
    expect(await c.reviseLimits({ maxPositionShare: 1.5 }, officer, "too loose")).toMatchObject({
      ok: false,
      code: "INVALID",
    });
    // The warning may not sit above its limit.
    expect(await c.reviseLimits({ maxPositionShare: 0.1 }, officer, "warn above limit")).toMatchObject({
      ok: false,
      code: "INVALID",
    });
    expect(await c.reviseLimits({ maxPositionShare: 0.2 }, trader, "i want it")).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
    });
    expect(await c.reviseLimits({ maxPositionShare: 0.25 }, officer, "same again")).toMatchObject({
      ok: false,
      code: "UNCHANGED",
    });
    expect(await c.setTradingState("HALTED", trader, "panic")).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(c.limits.version).toBe(1);
    expect(c.tradingState.state).toBe("ACTIVE");
    expect((await repository.currentLimits("paper"))?.version).toBe(1);
    expect((await repository.currentTradingState("paper"))?.state).toBe("ACTIVE");
    expect(await repository.auditTrail("paper", 10)).toEqual([]);
    expect(announced).toEqual([]);
  });

  it("answers CONFLICT to the loser of two revisions from the same version, and leaves it reloaded", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const a = controls(repository, clock);
    const b = controls(repository, clock);
    await a.load();
    await b.load();
    expect(await a.reviseLimits({ maxLeverage: 1.2 }, officer, "less leverage")).toMatchObject({ ok: true });
    const lost = await b.reviseLimits({ maxOrderValue: 100_000 }, officer, "smaller orders");
    expect(lost).toMatchObject({ ok: false, code: "CONFLICT" });
    // Reloaded: b now holds a's version 2, not its own patch.
    expect(b.limits).toEqual(a.limits);
    expect(b.limits).toMatchObject({ version: 2, maxLeverage: 1.2, maxOrderValue: 500_000 });
    expect(await repository.auditTrail("paper", 10)).toHaveLength(1);
    // Trying again from the reloaded version succeeds as version 3, keeping a's change.
    expect(await b.reviseLimits({ maxOrderValue: 100_000 }, officer, "smaller orders")).toMatchObject({ ok: true });
    expect(await repository.currentLimits("paper")).toMatchObject({
      version: 3,
      limits: { maxLeverage: 1.2, maxOrderValue: 100_000 },
    });
  });

  it("sets the trading state with its audit entry, a conflicting change reloading the loser", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const announced: RiskControlsEvent[] = [];
    const a = controls(repository, clock, async (event) => {
      announced.push(event);
    });
    const b = controls(repository, clock);
    await a.load();
    await b.load();
    // At the same clock as the stored state: the new one is still strictly later.
    const halted = await a.setTradingState("HALTED", officer, "news pending");
    expect(halted).toMatchObject({ ok: true, record: { state: "HALTED", setBy: "ana@desk", time: t0 + 1 } });
    expect(await repository.currentTradingState("paper")).toMatchObject({
      state: "HALTED",
      setBy: "ana@desk",
      role: "risk_officer",
      reason: "news pending",
      time: t0 + 1,
    });
    expect(await repository.auditTrail("paper", 10)).toEqual([
      {
        time: t0 + 1,
        actor: "ana@desk",
        action: "trading_state.halt",
        entityType: "portfolio",
        entityId: "paper",
        before: { state: "ACTIVE", setBy: "system", reason: "portfolio opened", time: t0 },
        after: { state: "HALTED" },
        reason: "news pending",
      },
    ]);
    expect(announced.map((e) => [e.change, e.trading_state.state])).toEqual([["trading_state", "HALTED"]]);
    // b still believes ACTIVE: its REDUCING is written over a state that is gone.
    expect(await b.setTradingState("REDUCING", officer, "wind down")).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(b.tradingState.state).toBe("HALTED");
    expect(await repository.auditTrail("paper", 10)).toHaveLength(1);
  });

  it("ignores stale announcements and another portfolio's", async () => {
    const repository = new MemoryRiskControlRepository();
    const clock = new ManualClock(t0);
    const announced: RiskControlsEvent[] = [];
    const writer = controls(repository, clock, async (event) => {
      announced.push(event);
    });
    const reader = controls(repository, clock);
    await writer.load();
    await reader.load();
    clock.advance(1_000);
    await writer.reviseLimits({ maxLeverage: 1.2 }, officer, "less leverage");
    clock.advance(1_000);
    await writer.setTradingState("HALTED", officer, "news pending");
    const [limitsEvent, haltEvent] = announced;
    if (limitsEvent === undefined || haltEvent === undefined) throw new Error("two announcements expected");
    const changes: string[] = [];
    reader.onChange((limits, state) => changes.push(`${limits.version}/${state.state}`));
    // Delivered out of order: the later one first, then the earlier one, which changes nothing.
    expect(reader.apply(haltEvent)).toBe(true);
    expect(reader.apply(limitsEvent)).toBe(false);
    expect(reader.apply(haltEvent)).toBe(false);
    expect(reader.apply({ ...haltEvent, portfolio_id: "other", limits: { ...haltEvent.limits, version: 9 } })).toBe(
      false,
    );
    expect(reader.limits.version).toBe(2);
    expect(reader.tradingState.state).toBe("HALTED");
    expect(changes).toEqual(["1/ACTIVE", "2/HALTED"]);
  });

  it("logs an announcement that fails and keeps the stored change", async () => {
    const repository = new MemoryRiskControlRepository();
    const logger = recordingLogger();
    const c = new RiskControls({
      portfolioId: "paper",
      repository,
      clock: new ManualClock(t0),
      logger,
      announce: async () => {
        throw new Error("bus down");
      },
    });
    await c.load();
    expect(await c.setTradingState("HALTED", officer, "news pending")).toMatchObject({ ok: true });
    expect(c.tradingState.state).toBe("HALTED");
    expect((await repository.currentTradingState("paper"))?.state).toBe("HALTED");
    expect(logger.lines.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
      "risk controls change not announced",
    ]);
  });
});

/** A process: its controls, subscribed to `risk.controls.v1` under its own group, and its gate. */
async function process(name: string, bus: InProcessEventBus, repository: MemoryRiskControlRepository) {
  const clock = { now: () => Date.now() };
  const controls = new RiskControls({
    portfolioId: "paper",
    repository,
    clock,
    logger: silentLogger,
    announce: (event) => bus.publish(riskControlsTopic, [{ key: event.portfolio_id, payload: event }]),
  });
  const subscription = await bus.subscribe({
    topic: riskControlsTopic,
    groupId: `risk-controls-${name}`,
    handler: async ({ payload }) => {
      controls.apply(payload);
    },
  });
  await controls.load();
  const portfolio = new Portfolio({ startingCash: 1_000_000 });
  const gate = new LiveRiskGate({ portfolio, limits: controls.limits, tradingState: controls.tradingState, clock });
  gate.follow(controls);
  gate.observeBar({ symbol: "XXA", time: 0, close: 100 });
  return { controls, gate, subscription };
}

const buy = (clientId: string) => ({ symbol: "XXA", side: "BUY" as const, quantity: 10, price: 100, clientId });

/** Polls until `done` holds; returns the milliseconds it took. */
async function within(ms: number, done: () => boolean): Promise<number> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return performance.now() - started;
}

describe("RiskControls across processes on one bus", () => {
  it("a halt set through one process stops the other's gate well within a second, and a resume restarts it", async () => {
    const bus = new InProcessEventBus();
    const repository = new MemoryRiskControlRepository();
    const subscriptions: Subscription[] = [];
    try {
      const one = await process("one", bus, repository);
      const two = await process("two", bus, repository);
      subscriptions.push(one.subscription, two.subscription);
      expect(two.gate.check(buy("c1")).result.approved).toBe(true);

      const halted = performance.now();
      expect(await one.controls.setTradingState("HALTED", officer, "news pending")).toMatchObject({ ok: true });
      const took = await within(1_000, () => two.gate.tradingState.state === "HALTED");
      const refused = two.gate.check(buy("c2"));
      expect(performance.now() - halted).toBeLessThan(500);
      expect(took).toBeLessThan(500);
      expect(refused.result.approved).toBe(false);
      expect(refused.result.rejection_reasons.map((r) => r.code)).toContain("TRADING_HALTED");
      expect(two.gate.preview(buy("c3")).rejection_reasons.map((r) => r.code)).toContain("TRADING_HALTED");

      expect(await one.controls.setTradingState("ACTIVE", officer, "news out")).toMatchObject({ ok: true });
      await within(1_000, () => two.gate.tradingState.state === "ACTIVE");
      expect(two.gate.check(buy("c4")).result.approved).toBe(true);
    } finally {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await bus.close();
    }
  });

  it("a process that missed the announcement catches up on load()", async () => {
    const bus = new InProcessEventBus();
    const repository = new MemoryRiskControlRepository();
    const one = await process("one", bus, repository);
    const two = await process("two", bus, repository);
    // Two stops listening: the halt's event never reaches it.
    await two.subscription.stop();
    try {
      await one.controls.setTradingState("HALTED", officer, "news pending");
      await one.controls.reviseLimits({ maxOrderQuantity: 5 }, officer, "tiny orders");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(two.gate.tradingState.state).toBe("ACTIVE");
      expect(two.gate.check(buy("c1")).result.approved).toBe(true);
      await two.controls.load();
      expect(two.gate.tradingState.state).toBe("HALTED");
      expect(two.gate.limits).toMatchObject({ version: 2, maxOrderQuantity: 5 });
      expect(two.gate.check(buy("c2")).result.rejection_reasons.map((r) => r.code)).toEqual(
        expect.arrayContaining(["TRADING_HALTED", "MAX_ORDER_QUANTITY"]),
      );
    } finally {
      await one.subscription.stop();
      await bus.close();
    }
  });
});
