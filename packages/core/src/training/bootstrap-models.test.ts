import { beforeAll, describe, expect, it } from "vitest";
import { MlpModelRuntime } from "../models/mlp-model-runtime";
import { featureNamesMetadataKey } from "../models/onnx-export";
import { specialistNames } from "../models/specialist";
import type { Clock } from "../ports/clock";
import { regimeModelSchema } from "../regime/regime-detector";
import {
  type BootstrapInput,
  type BootstrapResult,
  bootstrapModels,
  defaultModelFeatureNames,
} from "./bootstrap-models";
import { shapBackgroundSchema } from "./shap-background";
import { historyDataHash, simulateHistory } from "./simulated-history";
import { buildTrainingSet, computeHistoryFeatures } from "./training-set";

/** A clock that moves 5 ms per reading, so durations are exact. */
function steppingClock(): Clock {
  let time = 1_000;
  return { now: () => (time += 5) };
}

const now = Date.UTC(2025, 0, 6, 14, 30);

const small: BootstrapInput = {
  seed: 21,
  now,
  symbols: 2,
  bars: 1_500,
  horizon: 10,
  threshold: 0.002,
  backgroundSize: 20,
  regime: { restarts: 0, maxIterations: 25 },
  specialist: { training: { maxEpochs: 4, hidden: [8] } },
  clock: steppingClock(),
};

/**
 * A market whose regimes move prices far more than noise does (drift ±5 bp per bar against
 * 2-5 bp of volatility) and change every ~100 bars: a specialist that learns anything at all
 * must beat the majority class there.
 */
const predictableMarket = {
  transition: [
    [0.99, 0.005, 0.005],
    [0.005, 0.99, 0.005],
    [0.005, 0.005, 0.99],
  ],
  regimes: {
    bull: { drift: 0.0005, volatility: 0.0003, noiseScale: 0.3 },
    bear: { drift: -0.0005, volatility: 0.0005, noiseScale: 0.4 },
    sideways: { drift: 0, volatility: 0.0002, noiseScale: 0.3 },
  },
  sectorVolatility: 0.0001,
};

let first: BootstrapResult;

beforeAll(async () => {
  first = await bootstrapModels({ ...small, clock: steppingClock() });
});

describe("bootstrapModels: determinism", () => {
  it("gives bit-identical artefacts and data hash for the same input", async () => {
    const again = await bootstrapModels({ ...small, clock: steppingClock() });
    expect(again.dataHash).toBe(first.dataHash);
    for (const [i, specialist] of first.specialists.entries()) {
      expect(again.specialists[i]?.onnx).toEqual(specialist.onnx);
    }
    expect(JSON.stringify(again.regimeModel)).toBe(JSON.stringify(first.regimeModel));
    expect(JSON.stringify(again.background)).toBe(JSON.stringify(first.background));
    expect(again.durationMs).toBe(first.durationMs);
  });

  it("changes with the seed", async () => {
    const other = await bootstrapModels({ ...small, seed: 22, clock: steppingClock() });
    expect(other.dataHash).not.toBe(first.dataHash);
    expect(other.specialists[0]?.onnx).not.toEqual(first.specialists[0]?.onnx);
  });
});

describe("bootstrapModels: artefacts", () => {
  it("hashes the history it trained on", async () => {
    const history = simulateHistory({ seed: 21, symbols: 2, bars: 1_500, timeframe: "1min", now });
    expect(first.dataHash).toBe(await historyDataHash(history));
    expect(first.summary.historyEnd).toBe(now);
    expect(first.summary.historyStart).toBe(now - 1_500 * 60_000);
  });

  it("exports three runnable specialists over the twelve model features", async () => {
    expect(first.specialists.map((s) => s.name)).toEqual([...specialistNames]);
    expect(defaultModelFeatureNames).toHaveLength(12);
    expect(defaultModelFeatureNames).not.toContain("price");
    const runtime = new MlpModelRuntime();
    const rows = first.background.rows;
    for (const specialist of first.specialists) {
      expect(specialist.featureNames).toEqual(defaultModelFeatureNames);
      const model = await runtime.load(specialist.onnx, { name: specialist.name });
      expect(JSON.parse(model.metadata[featureNamesMetadataKey] ?? "[]")).toEqual(defaultModelFeatureNames);
      expect(model.metadata.specialist).toBe(specialist.name);
      expect(model.metadata.version).toBeUndefined();
      const probabilities = await model.run(Float32Array.from(rows.flat()), rows.length);
      for (let r = 0; r < rows.length; r++) {
        const sum = (probabilities[3 * r] ?? 0) + (probabilities[3 * r + 1] ?? 0) + (probabilities[3 * r + 2] ?? 0);
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  it("fits the regime model on one sequence per symbol and samples the background from the training rows", () => {
    const model = regimeModelSchema.parse(first.regimeModel);
    expect(model.fit.sequences).toBe(2);
    // volatility_20 is warm from bar 20: 1,480 observations per symbol.
    expect(model.fit.observations).toBe(2 * 1_480);
    const background = shapBackgroundSchema.parse(first.background);
    expect(background.rows).toHaveLength(20);
    const history = simulateHistory({ seed: 21, symbols: 2, bars: 1_500, timeframe: "1min", now });
    const set = buildTrainingSet(history, computeHistoryFeatures(history, defaultModelFeatureNames), model, {
      horizon: 10,
      threshold: 0.002,
    });
    const known = new Set(set.rows.map((row) => JSON.stringify(defaultModelFeatureNames.map((n) => row[n]))));
    for (const row of background.rows) expect(known.has(JSON.stringify(row))).toBe(true);
  });

  it("measures its duration with the clock it is given", () => {
    // 8 readings 5 ms apart: the start, one per phase (6), the end.
    expect(first.durationMs).toBe(35);
    expect(Object.values(first.phasesMs).every((ms) => ms === 5)).toBe(true);
  });

  it("refuses features the pipeline does not compute, or too many for exact explanations", async () => {
    await expect(bootstrapModels({ ...small, featureNames: ["rsi_14", "nope"] })).rejects.toThrow();
    await expect(
      bootstrapModels({ ...small, featureNames: [...defaultModelFeatureNames, "price", "x", "y", "z", "w"] }),
    ).rejects.toThrow();
  });
});

describe("bootstrapModels: metrics", () => {
  it("reports sane metrics, and the baselines over exactly the validation rows", async () => {
    const history = simulateHistory({ seed: 21, symbols: 2, bars: 1_500, timeframe: "1min", now });
    const set = buildTrainingSet(
      history,
      computeHistoryFeatures(history, defaultModelFeatureNames),
      first.regimeModel,
      { horizon: 10, threshold: 0.002 },
    );
    // The validation block: the last ⌈20 %⌉ of the labelled rows (defaults), rows of weight ≥ 0.05.
    const labelled = set.labels.flatMap((label, k) => (label === null ? [] : [k]));
    const start = labelled[labelled.length - Math.ceil(0.2 * labelled.length)] ?? 0;
    for (const specialist of first.specialists) {
      const { metrics } = specialist;
      const regime = specialist.name.replace("_specialist", "") as "bull" | "bear" | "sideways";
      const totals = { SELL: 0, HOLD: 0, BUY: 0 };
      for (let k = start; k < set.rows.length; k++) {
        const label = set.labels[k];
        const w = set.regimeProbabilities[k]?.[regime] ?? 0;
        if (label !== null && label !== undefined && w >= 0.05) totals[label] += w;
      }
      const weight = totals.SELL + totals.HOLD + totals.BUY;
      expect(metrics.validation.weight).toBeCloseTo(weight, 8);
      expect(metrics.validationMajorityRate).toBeCloseTo(Math.max(totals.SELL, totals.HOLD, totals.BUY) / weight, 12);
      for (const split of [metrics.train, metrics.validation]) {
        expect(split.rows).toBeGreaterThan(0);
        expect(split.accuracy).toBeGreaterThanOrEqual(0);
        expect(split.accuracy).toBeLessThanOrEqual(1);
        expect(Number.isFinite(split.loss)).toBe(true);
      }
      const balance = metrics.classBalance;
      expect(balance.SELL + balance.HOLD + balance.BUY).toBeCloseTo(1, 12);
      expect(metrics.validationMajorityRate).toBeGreaterThanOrEqual(1 / 3);
      expect(Number.isFinite(metrics.validationPriorLoss)).toBe(true);
    }
  });

  it("beats the majority class and the class-prior loss on a market whose regimes are predictable", async () => {
    const result = await bootstrapModels({
      seed: 1,
      now,
      symbols: 3,
      bars: 6_000,
      horizon: 10,
      threshold: 0.002,
      market: predictableMarket,
      clock: steppingClock(),
    });
    for (const { name, metrics } of result.specialists) {
      expect(metrics.validation.weight, name).toBeGreaterThan(500);
      expect(metrics.validation.accuracy, name).toBeGreaterThan(metrics.validationMajorityRate + 0.05);
      expect(metrics.validation.loss, name).toBeLessThan(metrics.validationPriorLoss);
    }
  }, 60_000);
});
