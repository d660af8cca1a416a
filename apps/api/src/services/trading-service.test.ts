import {
  bindSpecialist,
  bootstrapModels,
  DecisionEngine,
  type DecisionEventSink,
  DecisionExplainer,
  defaultUniverse,
  ManualClock,
  MarketSimulator,
  MemoryFeatureCache,
  MetaController,
  MlpModelRuntime,
  Portfolio,
  RegimeDetector,
  type Repositories,
  sectorMap,
  silentLogger,
  type TradingDecisionEvent,
  tradingDecisionsTopic,
} from "@tradeops/core";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error";
import { TradingService } from "./trading-service";

const universe = defaultUniverse(3);
const sectors = sectorMap(universe);
const start = Date.UTC(2026, 0, 5, 14, 0);

/** Decisions the engine published, as the buffered publisher would have taken them. */
const published: TradingDecisionEvent[] = [];
const sink: DecisionEventSink = {
  publish(topic, events) {
    if (topic.name === tradingDecisionsTopic.name) {
      for (const event of events) published.push(event.payload as TradingDecisionEvent);
    }
  },
};

let engine: DecisionEngine;
let explainer: DecisionExplainer;
let cache: MemoryFeatureCache;

const noDatabase = new Proxy({} as Repositories, {
  get: (_target, name) => {
    throw new Error(`repositories.${String(name)} used in a test without a database`);
  },
});

function service(overrides: Partial<ConstructorParameters<typeof TradingService>[0]> = {}) {
  return new TradingService({
    engine: () => engine,
    explainer: async () => explainer,
    repositories: noDatabase,
    sectors,
    now: () => start + 10 * 60 * 60 * 1000,
    logger: silentLogger,
    ...overrides,
  });
}

beforeAll(async () => {
  // Real (small) first-start training, the models run by the pure-TypeScript runtime.
  const models = await bootstrapModels({
    seed: 11,
    now: start,
    symbols: 3,
    bars: 1_500,
    clock: new ManualClock(start),
  });
  const runtime = new MlpModelRuntime();
  const specialists = await Promise.all(
    models.specialists.map(async (s) => ({ ...s, model: await runtime.load(s.onnx, { name: `${s.name}@1` }) })),
  );
  cache = new MemoryFeatureCache({});
  engine = new DecisionEngine(
    {
      clock: new ManualClock(start),
      logger: silentLogger,
      cache,
      events: sink,
      specialists: specialists.map((s) => bindSpecialist(s.name, s.model, "1")),
      regimeDetector: RegimeDetector.fromModel(models.regimeModel),
      metaController: new MetaController(),
      portfolio: new Portfolio({ startingCash: 1_000_000, sectors }),
      newDecisionId: () => crypto.randomUUID(),
    },
    { timeframe: "1min", portfolioId: "test", decisionEveryBars: 5 },
  );
  explainer = new DecisionExplainer({
    specialists: specialists.map((s) => ({ name: s.name, version: 1, model: s.model, featureNames: s.featureNames })),
    background: models.background,
  });
  const simulator = new MarketSimulator({ seed: 12, symbols: universe, startTime: start });
  for (let i = 0; i < 120; i++) {
    for (const bar of simulator.nextBars()) await engine.onBar(bar);
  }
}, 120_000);

async function apiError(run: () => Promise<unknown> | unknown): Promise<ApiError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("TradingService", () => {
  const symbol = universe[0]?.symbol ?? "";

  it("predicts with every field of the spec's response and publishes the decision for forensics", async () => {
    const before = published.length;
    let response: Awaited<ReturnType<TradingService["predict"]>>;
    try {
      response = await service().predict({ symbol, risk_check: true, explain: true });
    } catch (error) {
      // A limit refusing the trade is the spec's 403, carrying the same body.
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).statusCode).toBe(403);
      response = (error as ApiError).details as typeof response;
    }
    expect(response.symbol).toBe(symbol);
    expect(["BUY", "SELL", "HOLD"]).toContain(response.action);
    const { bull, bear, sideways, entropy } = response.regime_probabilities;
    expect(bull + bear + sideways).toBeCloseTo(1, 12);
    expect(entropy).toBeGreaterThanOrEqual(0);
    const weights = response.strategy_weights;
    expect(weights.bull_specialist + weights.bear_specialist + weights.sideways_specialist).toBeCloseTo(1, 9);
    expect(response.risk_validation).not.toBeNull();
    expect(response.metadata.model_version).toMatch(/_specialist@1$/);
    const explanation = response.explanation;
    expect(explanation).toBeDefined();
    if (explanation) {
      const sum = explanation.base_value + Object.values(explanation.shap_values).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - explanation.model_output)).toBeLessThan(1e-6);
    }
    expect(published.length).toBe(before + 1);
    expect(published.at(-1)).toMatchObject({ decision_id: response.decision_id, source: "api" });
  });

  it("refuses an unknown symbol with 400 and answers 503 before the models are loaded", async () => {
    expect(
      (await apiError(() => service().predict({ symbol: "NOPE", risk_check: true, explain: false }))).statusCode,
    ).toBe(400);
    const unready = await apiError(() =>
      service({ engine: () => undefined }).predict({ symbol, risk_check: true, explain: false }),
    );
    expect(unready.statusCode).toBe(503);
  });
});
