import { beforeAll, describe, expect, it } from "vitest";
import { type TradingDecisionEvent, tradingDecisionEvent } from "../events/trading-decision";
import { createMlp, type Mlp } from "../models/mlp";
import { MlpModelRuntime } from "../models/mlp-model-runtime";
import { exportMlpToOnnx } from "../models/onnx-export";
import { readMlpFromOnnx } from "../models/onnx-import";
import type { LoadedModel } from "../ports/model-runtime";
import { Prng } from "../random/prng";
import {
  DecisionExplainer,
  type ExplainableSpecialist,
  explainDecision,
  ScoreMismatchError,
  UnexplainableDecisionError,
} from "./explain-decision";

const runtime = new MlpModelRuntime();

/**
 * An independent forward pass of the exported model (standardise, Dense+ReLU, Dense, softmax),
 * written out in plain loops, with inputs and outputs rounded to float32 as the runtime's are.
 */
function referenceProbabilities(mlp: Mlp, x: readonly number[]): number[] {
  let activation = x.map((value, i) => (Math.fround(value) - (mlp.inputMean[i] ?? 0)) / (mlp.inputScale[i] ?? 1));
  for (const [l, layer] of mlp.layers.entries()) {
    const next: number[] = [];
    for (let o = 0; o < layer.outputs; o++) {
      let sum = layer.bias[o] ?? 0;
      for (let i = 0; i < layer.inputs; i++) sum += (layer.weights[o * layer.inputs + i] ?? 0) * (activation[i] ?? 0);
      next.push(l < mlp.layers.length - 1 ? Math.max(0, sum) : sum);
    }
    activation = next;
  }
  const peak = Math.max(...activation);
  const exps = activation.map((z) => Math.exp(z - peak));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => Math.fround(e / total));
}

interface Fixture extends ExplainableSpecialist {
  /** The parameters as the ONNX file holds them (float32-rounded). */
  readonly exported: Mlp;
}

async function specialist(name: string, mlp: Mlp, featureNames: readonly string[], version?: number): Promise<Fixture> {
  const bytes = exportMlpToOnnx(mlp, { featureNames: [...featureNames] });
  const model = await runtime.load(bytes, { name });
  return { name, model, featureNames, exported: readMlpFromOnnx(bytes).model, ...(version ? { version } : {}) };
}

/** f(x) = Σ_k w_k (P_k(BUY) − P_k(SELL)), by the reference forward pass. */
function referenceScore(fixtures: readonly Fixture[], weights: Readonly<Record<string, number>>, x: readonly number[]) {
  let score = 0;
  for (const fixture of fixtures) {
    const p = referenceProbabilities(fixture.exported, x);
    score += (weights[fixture.name] ?? 0) * ((p[2] ?? 0) - (p[0] ?? 0));
  }
  return score;
}

function randomMlp(inputs: number, hidden: number[], seed: number): Mlp {
  const prng = Prng.fromSeed(seed);
  const mlp = createMlp({ inputs, hidden, outputs: 3 }, () => prng.next());
  // Features of very different scales, standardised inside the model as the trained ones are.
  const inputMean = Float64Array.from({ length: inputs }, (_, i) => (i % 3) * 10);
  const inputScale = Float64Array.from({ length: inputs }, (_, i) => 0.5 + i);
  return { ...mlp, inputMean, inputScale };
}

function randomRows(count: number, width: number, seed: number): number[][] {
  const prng = Prng.fromSeed(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: width }, (_, i) => (i % 3) * 10 + (0.5 + i) * prng.normal()),
  );
}

function event(
  overrides: Partial<TradingDecisionEvent> & Pick<TradingDecisionEvent, "features">,
): TradingDecisionEvent {
  return tradingDecisionEvent.parse({
    event_type: "trading_decision",
    timestamp: "2025-01-06T14:30:00Z",
    decision_id: "550e8400-e29b-41d4-a716-446655440000",
    symbol: "QVXL",
    action: "BUY",
    quantity: 100,
    confidence: 0.7,
    regime_probs: { bull: 0.65, bear: 0.15, sideways: 0.2 },
    strategy_weights: { bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 },
    risk_checks: { position_limit_ok: true },
    ...overrides,
  });
}

const names12 = [
  "returns_1",
  "returns_5",
  "returns_20",
  "log_return_1",
  "volatility_20",
  "rsi_14",
  "ema_12",
  "ema_26",
  "macd",
  "macd_signal",
  "macd_histogram",
  "volume_ratio",
];

describe("explainDecision: the Shapley values", () => {
  it("match the permutation definition, brute-forced over all 4! orderings", async () => {
    const names = ["a", "b", "c", "d"];
    const fixtures = [
      await specialist("bull_specialist", randomMlp(4, [5], 1), names),
      await specialist("bear_specialist", randomMlp(4, [5, 3], 2), names),
      await specialist("sideways_specialist", randomMlp(4, [4], 3), names),
    ];
    const background = randomRows(6, 4, 4);
    const x = [3.5, -1.25, 22.5, 7];
    const weights = { bull_specialist: 0.5, bear_specialist: 0.2, sideways_specialist: 0.3 };
    const explanation = await explainDecision({
      event: event({
        features: Object.fromEntries(names.map((n, i) => [n, x[i] as number])),
        strategy_weights: weights,
      }),
      specialists: fixtures,
      background: { featureNames: names, rows: background },
    });

    const value = (coalition: ReadonlySet<number>): number => {
      let sum = 0;
      for (const row of background)
        sum += referenceScore(
          fixtures,
          weights,
          row.map((b, j) => (coalition.has(j) ? (x[j] as number) : b)),
        );
      return sum / background.length;
    };
    const permutations = (items: number[]): number[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, k) => permutations(items.filter((_, j) => j !== k)).map((rest) => [item, ...rest]));
    const phi = [0, 0, 0, 0];
    const orders = permutations([0, 1, 2, 3]);
    for (const order of orders) {
      const before = new Set<number>();
      for (const player of order) {
        const without = value(before);
        before.add(player);
        phi[player] = (phi[player] as number) + (value(before) - without) / orders.length;
      }
    }
    expect(orders).toHaveLength(24);
    for (const [i, name] of names.entries()) expect(explanation.shapValues[name]).toBeCloseTo(phi[i] as number, 9);
    expect(explanation.baseValue).toBeCloseTo(value(new Set()), 9);
    expect(explanation.modelOutput).toBeCloseTo(referenceScore(fixtures, weights, x), 9);
  });

  it("give the closed form when only one feature matters: φ = g(x₀) − mean g(b₀), the others exactly 0", async () => {
    // Logits (SELL, HOLD, BUY) = (−2z, 0, 2z) for z = x₀: P(BUY) − P(SELL) = 2 sinh 2z / (1 + 2 cosh 2z).
    const g = (z: number): number => (2 * Math.sinh(2 * z)) / (1 + 2 * Math.cosh(2 * z));
    const mlp: Mlp = {
      inputs: 3,
      outputs: 3,
      inputMean: new Float64Array(3),
      inputScale: new Float64Array([1, 1, 1]),
      layers: [
        { inputs: 3, outputs: 3, weights: new Float64Array([-2, 0, 0, 0, 0, 0, 2, 0, 0]), bias: new Float64Array(3) },
      ],
    };
    const names = ["x0", "x1", "x2"];
    const only = await specialist("bull_specialist", mlp, names);
    const background = [
      [-1, 4, 2],
      [0.25, -3, 1],
      [0.75, 0.5, -6],
    ];
    const explanation = await explainDecision({
      event: event({ features: { x0: 0.5, x1: 10, x2: -10 }, strategy_weights: { bull_specialist: 1 } }),
      specialists: [only],
      background: { featureNames: names, rows: background },
    });
    const base = (g(-1) + g(0.25) + g(0.75)) / 3;
    expect(explanation.modelOutput).toBeCloseTo(g(0.5), 7);
    expect(explanation.baseValue).toBeCloseTo(base, 7);
    expect(explanation.shapValues.x0).toBeCloseTo(g(0.5) - base, 7);
    expect(explanation.shapValues.x1).toBe(0);
    expect(explanation.shapValues.x2).toBe(0);
  });
});

describe("explainDecision: 12 features, 50 background rows, three specialists", () => {
  let fixtures: Fixture[];
  let background: number[][];
  let x: number[];
  let features: Record<string, number>;
  const weights = { bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 };

  beforeAll(async () => {
    fixtures = [
      await specialist("bull_specialist", randomMlp(12, [16, 8], 11), names12, 3),
      await specialist("bear_specialist", randomMlp(12, [16, 8], 12), names12, 3),
      await specialist("sideways_specialist", randomMlp(12, [16, 8], 13), names12, 4),
    ];
    background = randomRows(50, 12, 14);
    x = randomRows(1, 12, 15)[0] ?? [];
    // Realistic values for the features the regime text quotes.
    const quoted: Record<string, number> = { log_return_1: 0.0012, volatility_20: 0.0009, returns_20: 0.008 };
    x = names12.map((name, i) => quoted[name] ?? (x[i] as number));
    // The decision carries more features than the models take: only the models' inputs are used.
    features = { ...Object.fromEntries(names12.map((name, i) => [name, x[i] as number])), price: 182.4 };
  });

  function decision(overrides: Partial<TradingDecisionEvent> = {}): TradingDecisionEvent {
    return event({
      features,
      strategy_weights: weights,
      score: referenceScore(fixtures, weights, x),
      regime_entropy: 0.8864,
      model_versions: {
        bull_specialist: "bull_specialist@3",
        bear_specialist: "bear_specialist@3",
        sideways_specialist: "sideways_specialist@4",
      },
      ...overrides,
    });
  }

  it("adds up: base value + Σ SHAP = model output = the event's score, within 1e-6", async () => {
    const e = decision();
    const explanation = await explainDecision({
      event: e,
      specialists: fixtures,
      background: { featureNames: names12, rows: background },
    });
    const total = Object.values(explanation.shapValues).reduce((a, b) => a + b, 0);
    expect(Object.keys(explanation.shapValues)).toEqual(names12);
    expect(Math.abs(explanation.baseValue + total - explanation.modelOutput)).toBeLessThan(1e-12);
    expect(Math.abs(explanation.modelOutput - (e.score ?? Number.NaN))).toBeLessThan(1e-6);
    const expectedBase = background.reduce((sum, row) => sum + referenceScore(fixtures, weights, row), 0) / 50;
    expect(Math.abs(explanation.baseValue - expectedBase)).toBeLessThan(1e-9);
    expect(Object.values(explanation.shapValues).some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it("does not depend on how coalitions are batched, nor on concurrent calls", async () => {
    const options = { specialists: fixtures, background: { featureNames: names12, rows: background } };
    const reference = await new DecisionExplainer(options).explain(decision());
    const tiny = await new DecisionExplainer({ ...options, maxBatchRows: 7 }).explain(decision());
    for (const name of names12) expect(tiny.shapValues[name]).toBeCloseTo(reference.shapValues[name] as number, 12);

    const shared = new DecisionExplainer(options);
    const other: Record<string, number> = { ...features, rsi_14: 81.5 };
    const otherScore = referenceScore(
      fixtures,
      weights,
      names12.map((n) => other[n] as number),
    );
    const [a, b, c] = await Promise.all([
      shared.explain(decision()),
      shared.explain(decision({ features: other, score: otherScore })),
      shared.explain(decision()),
    ]);
    expect(a).toEqual(reference);
    expect(c).toEqual(reference);
    expect(b?.modelOutput).toBeCloseTo(otherScore, 6);
    expect(b?.shapValues.rsi_14).not.toBeCloseTo(reference.shapValues.rsi_14 as number, 6);
  });

  it("skips zero-weight specialists: they add nothing to the score", async () => {
    const rowsSeen: Record<string, number[]> = { bull_specialist: [], bear_specialist: [], sideways_specialist: [] };
    const counting = fixtures.map((f): ExplainableSpecialist => {
      const model: LoadedModel = Object.assign(Object.create(f.model) as LoadedModel, {
        run: (batch: Float32Array, rows: number) => {
          rowsSeen[f.name]?.push(rows);
          return f.model.run(batch, rows);
        },
      });
      return { name: f.name, model, featureNames: f.featureNames };
    });
    const bullOnly = { bull_specialist: 1, bear_specialist: 0, sideways_specialist: 0 };
    const options = { background: { featureNames: names12, rows: background } };
    const withZeros = await new DecisionExplainer({ ...options, specialists: counting }).explain(
      decision({ strategy_weights: bullOnly, score: referenceScore(fixtures, bullOnly, x) }),
    );
    expect(rowsSeen.bull_specialist?.length).toBeGreaterThan(1);
    expect(rowsSeen.bear_specialist).toEqual([1]);
    expect(rowsSeen.sideways_specialist).toEqual([1]);
    const alone = await new DecisionExplainer({ ...options, specialists: [fixtures[0] as Fixture] }).explain(
      decision({
        strategy_weights: { bull_specialist: 1 },
        score: referenceScore(fixtures, bullOnly, x),
        model_versions: {},
      }),
    );
    expect(withZeros.shapValues).toEqual(alone.shapValues);
  });

  it("writes the event's own numbers into the texts", async () => {
    const explanation = await explainDecision({
      event: decision(),
      specialists: fixtures,
      background: { featureNames: names12, rows: background },
    });
    // Entropy of (0.65, 0.15, 0.2) in nats: 0.2800 + 0.2846 + 0.3219 = 0.8864 (the event carries it).
    expect(explanation.regimeReasoning).toBe(
      "Bull regime probability (65%) ahead of sideways (20%) and bear (15%); entropy 0.89 of at most 1.10 nats, " +
        "so the detector is uncertain. The forward filter's observation at this bar: 1-bar log return +0.12%, " +
        "20-bar volatility 0.09%, with a 20-bar return of +0.80%.",
    );
    const text = explanation.strategySelection;
    expect(text).toContain(
      "Meta-controller weighted bull specialist at 60%, sideways specialist at 30% and bear specialist at 10%.",
    );
    expect(text).toContain(`Blended score ${signed(explanation.modelOutput)} → BUY at 70% confidence.`);
    for (const fixture of fixtures) {
      const p = referenceProbabilities(fixture.exported, x);
      expect(text).toContain(`${fixture.name.replace("_specialist", "")} ${signed((p[2] ?? 0) - (p[0] ?? 0))}`);
    }
    const top = Object.entries(explanation.shapValues)
      .sort(([, a], [, b]) => Math.abs(b) - Math.abs(a))
      .slice(0, 3)
      .map(([name, value]) => `${name} ${signed(value)}`);
    expect(text).toContain(
      `Largest feature contributions against the background average ${signed(explanation.baseValue)}: ${top.join(", ")}.`,
    );
  });

  it("says when the risk check rejected the trade", async () => {
    const explanation = await explainDecision({
      event: decision({ action: "HOLD", risk_approved: false }),
      specialists: fixtures,
      background: { featureNames: names12, rows: background },
    });
    expect(explanation.strategySelection).toContain("→ HOLD at 70% confidence (the risk check rejected the trade).");
  });

  it("refuses to explain a decision these models did not make", async () => {
    const options = { specialists: fixtures, background: { featureNames: names12, rows: background } };
    const right = decision();
    await expect(
      explainDecision({ ...options, event: { ...right, score: (right.score ?? 0) + 1e-5 } }),
    ).rejects.toBeInstanceOf(ScoreMismatchError);
    await expect(
      explainDecision({ ...options, event: decision({ model_versions: { bull_specialist: "bull_specialist@2" } }) }),
    ).rejects.toThrow(/the decision used bull_specialist@2, loaded is bull_specialist@3/);
    const { rsi_14: _dropped, ...withoutRsi } = features;
    await expect(explainDecision({ ...options, event: decision({ features: withoutRsi }) })).rejects.toThrow(
      /feature rsi_14 is missing/,
    );
    await expect(
      explainDecision({ ...options, event: decision({ strategy_weights: { ...weights, momentum_specialist: 0.2 } }) }),
    ).rejects.toBeInstanceOf(UnexplainableDecisionError);
  });

  it("refuses models and backgrounds that do not take the same features", async () => {
    const shuffled = [...names12].reverse();
    const other = await specialist("bear_specialist", randomMlp(12, [4], 20), shuffled);
    expect(
      () =>
        new DecisionExplainer({
          specialists: [fixtures[0] as Fixture, other],
          background: { featureNames: names12, rows: background },
        }),
    ).toThrow(RangeError);
    expect(
      () => new DecisionExplainer({ specialists: fixtures, background: { featureNames: shuffled, rows: background } }),
    ).toThrow(RangeError);
    expect(
      () => new DecisionExplainer({ specialists: fixtures, background: { featureNames: names12, rows: [] } }),
    ).toThrow(RangeError);
    const wide = Array.from({ length: 17 }, (_, i) => `f${i}`);
    const tooWide = await specialist("bull_specialist", randomMlp(17, [2], 21), wide);
    expect(
      () =>
        new DecisionExplainer({
          specialists: [tooWide],
          background: { featureNames: wide, rows: [wide.map(() => 0)] },
        }),
    ).toThrow(/1 to 16 features/);
  });
});

function signed(value: number): string {
  const fixed = value.toFixed(3);
  return fixed.startsWith("-") ? fixed : `+${fixed}`;
}
