import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryFeatureCache } from "../embedded/memory-feature-cache";
import { portfolioSnapshotEvent } from "../events/portfolio-snapshot-event";
import { regimeEstimateEvent } from "../events/regime-estimate-event";
import { marketRegimesTopic, riskPortfolioTopic, tradingDecisionsTopic } from "../events/topics";
import { tradingDecisionEvent } from "../events/trading-decision";
import { readFeatureVector } from "../features/feature-cache-entry";
import { FEATURE_PIPELINE_VERSION } from "../features/feature-definitions";
import type { BarRejectedError } from "../features/feature-pipeline";
import { type Bar, barEndTime } from "../market/bar";
import { MarketSimulator } from "../market/market-simulator";
import { defaultUniverse } from "../market/universe";
import { MetaController, type MetaControllerInput } from "../meta/meta-controller";
import { recordingLogger } from "../meta/meta-test-support";
import type { SpecialistName } from "../models/specialist";
import { Prng } from "../random/prng";
import { type Fill, Portfolio, sectorMap } from "../risk/portfolio";
import type { ExecutionRecord } from "../risk/simulated-execution";
import {
  DecisionEngine,
  type DecisionEngineOptions,
  type DecisionEngineResources,
  type DecisionOutcome,
  type DecisionEngine as Engine,
  PredictionUnavailableError,
} from "./decision-engine";
import type { DecisionEventSink } from "./decision-event-sink";
import { seededDecisionIds } from "./decision-id";
import { handRegimeDetector, linearSoftmaxMlp, loadSpecialist, recordingSink, softmax3 } from "./decision-test-support";
import type { SpecialistBinding } from "./specialist-scoring";

const start = Date.parse("2024-03-04T14:30:00Z");
const symbolCount = 5;
const universe = defaultUniverse(symbolCount);

/** After every BUY fill: the filled position's share of the total value, computed from the books. */
class CheckedPortfolio extends Portfolio {
  readonly buyShares: number[] = [];

  override applyFill(fill: Fill): number {
    const realised = super.applyFill(fill);
    if (fill.side === "BUY") {
      let total = this.cash;
      for (const holding of this.holdings()) total += holding.quantity * holding.lastPrice;
      this.buyShares.push((this.quantity(fill.symbol) * fill.price) / total);
    }
    return realised;
  }
}

/**
 * Specialists whose outputs are known functions of one feature each:
 * - bull: logits (−500·r5, 0, 500·r5) on returns_5 (momentum);
 * - bear: logits (0.1·rsi − 5, 0, 5 − 0.1·rsi) on rsi_14 (fades extremes);
 * - sideways: logits (−10·h, 1, 10·h) on macd_histogram, which warms up last (bar 34).
 */
async function specialists(): Promise<SpecialistBinding[]> {
  return [
    await loadSpecialist("bull_specialist", linearSoftmaxMlp(1, [[-500], [0], [500]], [0, 0, 0]), ["returns_5"], 4),
    await loadSpecialist("bear_specialist", linearSoftmaxMlp(1, [[0.1], [0], [-0.1]], [-5, 0, 5]), ["rsi_14"], 2),
    await loadSpecialist(
      "sideways_specialist",
      linearSoftmaxMlp(1, [[-10], [0], [10]], [0, 1, 0]),
      ["macd_histogram"],
      7,
    ),
  ];
}

interface Harness {
  readonly engine: Engine;
  readonly clock: ManualClock;
  readonly cache: MemoryFeatureCache;
  readonly sink: ReturnType<typeof recordingSink>;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly portfolio: CheckedPortfolio;
  readonly simulator: MarketSimulator;
  readonly rejected: { bar: Bar; error: BarRejectedError }[];
  readonly executions: ExecutionRecord[];
}

async function harness(
  overrides: Partial<DecisionEngineResources> = {},
  options: Partial<DecisionEngineOptions> = {},
): Promise<Harness> {
  const clock = new ManualClock(start);
  const cache = new MemoryFeatureCache({ clock });
  const sink = recordingSink();
  const logger = recordingLogger();
  const portfolio = new CheckedPortfolio({ startingCash: 1_000_000, sectors: sectorMap(universe) });
  const rejected: { bar: Bar; error: BarRejectedError }[] = [];
  const executions: ExecutionRecord[] = [];
  const engine = new DecisionEngine(
    {
      clock,
      logger,
      cache,
      events: sink,
      specialists: await specialists(),
      regimeDetector: handRegimeDetector(),
      metaController: new MetaController(),
      portfolio,
      newDecisionId: seededDecisionIds(Prng.fromSeed(99)),
      onRejectedBar: (bar, error) => rejected.push({ bar, error }),
      onExecution: (record) => executions.push(record),
      ...overrides,
    },
    { timeframe: "1min", portfolioId: "paper-1", ...options },
  );
  const simulator = new MarketSimulator({ seed: 42, symbols: universe, timeframe: "1min", startTime: start });
  return { engine, clock, cache, sink, logger, portfolio, simulator, rejected, executions };
}

/** Feeds `steps` intervals, the clock at each interval's completion; returns every decision with its bar index. */
async function run(h: Harness, steps: number): Promise<{ step: number; outcome: DecisionOutcome }[]> {
  const decisions: { step: number; outcome: DecisionOutcome }[] = [];
  for (let step = 0; step < steps; step++) {
    const bars = h.simulator.nextBars();
    h.clock.set(barEndTime(bars[0] as Bar));
    for (const bar of bars) {
      const outcome = await h.engine.onBar(bar);
      if (outcome !== null) decisions.push({ step, outcome });
    }
  }
  return decisions;
}

/** The first bar at which returns_5, rsi_14, macd_histogram and volatility_20 all exist (0-based). */
const firstDecisionStep = 33;

describe("DecisionEngine end to end over simulated bars", () => {
  it("publishes a valid decision per symbol and bar after warm-up, and respects the 25% limit on every BUY", async () => {
    const h = await harness();
    const steps = 300;
    const decisions = await run(h, steps);

    // No decision before warm-up, then one per symbol and bar.
    expect(Math.min(...decisions.map((d) => d.step))).toBe(firstDecisionStep);
    expect(decisions).toHaveLength((steps - firstDecisionStep) * symbolCount);

    const published = h.sink.payloads(tradingDecisionsTopic);
    expect(published).toHaveLength(decisions.length);
    for (const [i, payload] of published.entries()) {
      expect(tradingDecisionEvent.parse(payload)).toEqual(payload);
      expect(payload).toEqual(decisions[i]?.outcome.event);
    }
    const regimes = h.sink.payloads(marketRegimesTopic);
    // One estimate per bar once volatility_20 exists (bar 21 onwards).
    expect(regimes).toHaveLength((steps - 20) * symbolCount);
    for (const payload of regimes) expect(regimeEstimateEvent.safeParse(payload).success).toBe(true);
    const snapshots = h.sink.payloads(riskPortfolioTopic);
    expect(snapshots).toHaveLength(decisions.length);
    for (const payload of snapshots) expect(portfolioSnapshotEvent.safeParse(payload).success).toBe(true);

    const actions = new Map<string, number>();
    for (const { outcome } of decisions) actions.set(outcome.action, (actions.get(outcome.action) ?? 0) + 1);
    expect(actions.get("BUY") ?? 0).toBeGreaterThan(20);
    expect(actions.get("SELL") ?? 0).toBeGreaterThan(5);
    expect(actions.get("HOLD") ?? 0).toBeGreaterThan(20);

    // Every BUY fill left its position within 25% of the total value (at the fill price), and
    // some came close enough for the limit to matter.
    expect(h.portfolio.buyShares.length).toBeGreaterThan(20);
    for (const share of h.portfolio.buyShares) expect(share).toBeLessThanOrEqual(0.25 + 1e-12);
    expect(Math.max(...h.portfolio.buyShares)).toBeGreaterThan(0.2);
    expect(
      decisions.some(
        ({ outcome }) => outcome.decision.cutFrom !== null || outcome.decision.holdReason === "risk_rejected",
      ),
    ).toBe(true);

    // Each fill happened at the open of the bar after its decision.
    const byId = new Map(decisions.map(({ step, outcome }) => [outcome.decisionId, { step, outcome }]));
    for (const record of h.executions) {
      const decided = byId.get(record.decisionId);
      expect(decided).toBeDefined();
      expect(record.time).toBe(decided?.outcome.time);
      expect(record.side).toBe(decided?.outcome.action);
    }
    expect(h.executions.length).toBeGreaterThan(20);
  });

  it("scores with the models' known functions and blends them with validated weights", async () => {
    const h = await harness();
    const decisions = await run(h, 60);
    for (const { outcome } of decisions.slice(-10)) {
      const f = outcome.features.features;
      const r5 = f.returns_5 as number;
      const rsi = f.rsi_14 as number;
      const histogram = f.macd_histogram as number;
      const expected: Record<SpecialistName, [number, number, number]> = {
        bull_specialist: softmax3(-500 * r5, 0, 500 * r5),
        bear_specialist: softmax3(0.1 * rsi - 5, 0, 5 - 0.1 * rsi),
        sideways_specialist: softmax3(-10 * histogram, 1, 10 * histogram),
      };
      let score = 0;
      for (const name of ["bull_specialist", "bear_specialist", "sideways_specialist"] as const) {
        const [sell, hold, buy] = expected[name];
        const actual = outcome.specialistProbabilities[name];
        // The model runs in float32: inputs and weights rounded, so agreement to ~1e-6.
        expect(actual.sell).toBeCloseTo(sell, 5);
        expect(actual.hold).toBeCloseTo(hold, 5);
        expect(actual.buy).toBeCloseTo(buy, 5);
        score += outcome.strategyWeights[name] * (buy - sell);
      }
      expect(outcome.score).toBeCloseTo(score, 5);
      const weightSum =
        outcome.strategyWeights.bull_specialist +
        outcome.strategyWeights.bear_specialist +
        outcome.strategyWeights.sideways_specialist;
      expect(weightSum).toBeCloseTo(1, 12);
      expect(outcome.weightSource).toBe("meta_controller");
      expect(outcome.modelVersions).toEqual({
        bull_specialist: "bull_specialist@4",
        bear_specialist: "bear_specialist@2",
        sideways_specialist: "sideways_specialist@7",
      });
      expect(outcome.event.features).toEqual(f);
      expect(outcome.event.regime_entropy).toBe(outcome.regime.entropy);
    }
  });

  it("writes every bar's feature vector to the cache", async () => {
    const h = await harness();
    await run(h, 40);
    const read = await readFeatureVector(h.cache, universe[0]?.symbol ?? "", "1min", FEATURE_PIPELINE_VERSION);
    expect(read.status).toBe("hit");
    expect(read.status === "hit" ? read.vector.timestamp : "").toBe(new Date(start + 40 * 60_000).toISOString());
  });

  it("decides only every Nth scored bar when asked to", async () => {
    const h = await harness({}, { decisionEveryBars: 3 });
    const decisions = await run(h, 60);
    const steps = [...new Set(decisions.map((d) => d.step))];
    expect(steps).toEqual(Array.from({ length: 9 }, (_, i) => firstDecisionStep + 3 * i));
  });
});

describe("DecisionEngine and the event bus", () => {
  it("does not wait for a sink whose publish never completes", async () => {
    let calls = 0;
    const hanging: DecisionEventSink = {
      // A publisher that returns a promise that never settles: nothing may wait for it.
      publish: () => {
        calls += 1;
        return new Promise<void>(() => {});
      },
    };
    const h = await harness({ events: hanging });
    const deadline = new Promise<"stalled">((resolve) => setTimeout(() => resolve("stalled"), 5_000));
    const finished = await Promise.race([run(h, 50).then(() => "finished" as const), deadline]);
    expect(finished).toBe("finished");
    expect(calls).toBeGreaterThan(50);
  });

  it("decides on when the sink throws, and logs the lost events", async () => {
    const throwing: DecisionEventSink = {
      publish: () => {
        throw new Error("buffer full");
      },
    };
    const h = await harness({ events: throwing });
    const decisions = await run(h, 40);
    expect(decisions.length).toBeGreaterThan(0);
    expect(h.logger.lines.some((line) => line.level === "error" && line.message === "event sink refused events")).toBe(
      true,
    );
  });

  it("decides on when the feature cache fails, logging the outage once", async () => {
    const broken = new MemoryFeatureCache();
    await broken.close();
    const h = await harness({ cache: broken });
    const decisions = await run(h, 40);
    expect(decisions.length).toBe((40 - firstDecisionStep) * symbolCount);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const outages = h.logger.lines.filter((line) => line.message?.startsWith("feature cache write failed"));
    expect(outages).toHaveLength(1);
  });
});

describe("DecisionEngine bar hygiene", () => {
  it("dead-letters duplicate and wrong-timeframe bars without changing anything", async () => {
    const h = await harness();
    const [bar] = h.simulator.nextBars();
    if (bar === undefined) throw new Error("no bar");
    await h.engine.onBar(bar);
    expect(await h.engine.onBar(bar)).toBeNull();
    expect(await h.engine.onBar({ ...bar, timeframe: "5min" })).toBeNull();
    expect(h.rejected.map((r) => r.error.reason)).toEqual(["duplicate", "wrong-series"]);
  });
});

describe("DecisionEngine meta-controller rollback", () => {
  /** A policy whose outputs are NaN: every one needs the equal-weights fallback. */
  class BrokenController extends MetaController {
    override weights(_input: MetaControllerInput): Record<SpecialistName, number> {
      return { bull_specialist: Number.NaN, bear_specialist: 0.5, sideways_specialist: 0.5 };
    }
  }

  it("falls back to equal weights, then routes by regime after more than 10% of 100 failed", async () => {
    const h = await harness({ metaController: new BrokenController() });
    const decisions = await run(h, firstDecisionStep + 4);
    const outcomes = decisions.map((d) => d.outcome);
    // 5 symbols a bar: the first 11 outputs fall back to equal weights, the 11th trips the rollback.
    for (const outcome of outcomes.slice(0, 11)) {
      expect(outcome.weightSource).toBe("meta_controller");
      expect(outcome.weightAnomalies).toEqual(["non_finite"]);
      expect(outcome.strategyWeights).toEqual({
        bull_specialist: 1 / 3,
        bear_specialist: 1 / 3,
        sideways_specialist: 1 / 3,
      });
    }
    for (const outcome of outcomes.slice(11)) {
      expect(outcome.weightSource).toBe("regime_routing");
      expect(outcome.strategyWeights).toEqual({
        bull_specialist: outcome.regime.bull,
        bear_specialist: outcome.regime.bear,
        sideways_specialist: outcome.regime.sideways,
      });
    }
    expect(outcomes.length).toBeGreaterThan(11);
    expect(h.engine.status()).toMatchObject({
      rolledBack: true,
      monitor: { outputs: 11, corrected: 11, anomalies: { non_finite: 11 } },
    });
    expect(h.logger.lines.filter((line) => line.level === "error").map((line) => line.message)).toEqual([
      "Meta-controller output validation failed: too many corrected outputs, rollback required",
      "meta-controller rolled back: routing by regime until a repaired controller is installed",
    ]);

    h.engine.restoreMetaController(new MetaController());
    const after = await run(h, 1);
    expect(after.every((d) => d.outcome.weightSource === "meta_controller")).toBe(true);
    expect(h.engine.status().rolledBack).toBe(false);
  });
});

describe("DecisionEngine.predict", () => {
  it("repeats the last bar's decision on the same state, without queueing or advancing anything", async () => {
    const h = await harness();
    const decisions = await run(h, 80);
    const symbol = universe[1]?.symbol ?? "";
    const last = decisions.filter((d) => d.outcome.symbol === symbol).at(-1)?.outcome;
    if (last === undefined) throw new Error("no decision");
    const pendingBefore = h.engine.execution.pending(symbol).length;
    const publishedBefore = h.sink.payloads(tradingDecisionsTopic).length;
    h.clock.advance(1_234);

    const predicted = await h.engine.predict(symbol);
    expect(predicted).toMatchObject({
      source: "api",
      symbol,
      action: last.action,
      quantity: last.quantity,
      confidence: last.confidence,
      score: last.score,
      price: last.price,
      strategyWeights: last.strategyWeights,
      regime: last.regime,
      time: h.clock.now(),
    });
    expect(predicted.decisionId).not.toBe(last.decisionId);
    expect(predicted.modelVersion).toMatch(/^(bull|bear|sideways)_specialist@\d$/);
    expect(h.engine.execution.pending(symbol)).toHaveLength(pendingBefore);
    const published = h.sink.payloads(tradingDecisionsTopic);
    expect(published).toHaveLength(publishedBefore + 1);
    expect(tradingDecisionEvent.parse(published.at(-1))).toMatchObject({
      source: "api",
      decision_id: predicted.decisionId,
    });
  });

  it("forces one strategy, skips the risk check and stays quiet when asked", async () => {
    const h = await harness();
    await run(h, 50);
    const symbol = universe[0]?.symbol ?? "";
    const publishedBefore = h.sink.batches.length;
    const forced = await h.engine.predict(symbol, {
      strategyOverride: "bear_specialist",
      riskCheck: false,
      publish: false,
    });
    expect(forced.weightSource).toBe("override");
    expect(forced.strategyWeights).toEqual({ bull_specialist: 0, bear_specialist: 1, sideways_specialist: 0 });
    const bear = forced.specialistProbabilities.bear_specialist;
    expect(forced.score).toBeCloseTo(bear.buy - bear.sell, 15);
    expect(forced.modelVersion).toBe("bear_specialist@2");
    expect(forced.riskValidation).toBeNull();
    expect(h.sink.batches).toHaveLength(publishedBefore);
  });

  it("says why it cannot predict", async () => {
    const h = await harness();
    await expect(h.engine.predict("NOPE")).rejects.toMatchObject({ reason: "unknown_symbol" });
    await run(h, 10);
    const error = await h.engine.predict(universe[0]?.symbol ?? "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PredictionUnavailableError);
    expect(error).toMatchObject({ reason: "warming_up" });
  });
});

describe("DecisionEngine warm-up after a (re)start", () => {
  it("learns from past bars without trading, publishing or caching, then decides on the first live bar", async () => {
    const warmed = await harness();
    const warmSteps = 40;
    for (let step = 0; step < warmSteps; step++) {
      const bars = warmed.simulator.nextBars();
      for (const bar of bars) expect(await warmed.engine.warmUp(bar)).toBe(true);
    }
    // Nothing left the engine and the restored book was not touched.
    expect(warmed.sink.batches).toEqual([]);
    expect(warmed.executions).toEqual([]);
    expect(warmed.rejected).toEqual([]);
    expect(warmed.portfolio.cash).toBe(1_000_000);
    expect([...warmed.portfolio.holdings()]).toEqual([]);
    const symbol = universe[0]?.symbol ?? "";
    expect(await readFeatureVector(warmed.cache, symbol, "1min", FEATURE_PIPELINE_VERSION)).toEqual({ status: "miss" });

    // The same bars taken live: the first live bar after the warm-up sees the same features and
    // regime, so it decides for every symbol at once, as an engine that never stopped does.
    const live = await harness();
    const liveDecisions = await run(live, warmSteps + 1);
    const next = warmed.simulator.nextBars();
    warmed.clock.set(barEndTime(next[0] as Bar));
    const outcomes: DecisionOutcome[] = [];
    for (const bar of next) {
      const outcome = await warmed.engine.onBar(bar);
      if (outcome !== null) outcomes.push(outcome);
    }
    expect(outcomes).toHaveLength(symbolCount);
    const liveAtStep = liveDecisions.filter((d) => d.step === warmSteps).map((d) => d.outcome);
    expect(outcomes.map((o) => [o.symbol, o.features, o.regime])).toEqual(
      liveAtStep.map((o) => [o.symbol, o.features, o.regime]),
    );
  });

  it("refuses a bar of another timeframe and skips one out of order, quietly", async () => {
    const h = await harness();
    const [bar] = h.simulator.nextBars();
    if (bar === undefined) throw new Error("no bar");
    expect(await h.engine.warmUp({ ...bar, timeframe: "5min" })).toBe(false);
    expect(await h.engine.warmUp(bar)).toBe(true);
    expect(await h.engine.warmUp(bar)).toBe(false);
    expect(h.rejected).toEqual([]);
    expect(h.logger.lines.filter((line) => line.level !== "debug")).toEqual([]);
  });
});
