import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import type { RegimeProbabilities } from "../regime/regime-labels";
import type { SignalClass } from "./labels";
import { mlpForward, mlpToJson } from "./mlp";
import { MlpModelRuntime } from "./mlp-model-runtime";
import {
  exportSpecialist,
  type FeatureRow,
  InsufficientTrainingDataError,
  specialistArtifactKey,
  specialistScore,
  specialistScores,
  toFeatureMatrix,
  trainAllSpecialists,
  trainSpecialist,
} from "./specialist";

const cycle: SignalClass[] = ["SELL", "HOLD", "BUY"];
const quick = { training: { hidden: [4], maxEpochs: 2 } };

function indexed(n: number, h: number) {
  const prng = Prng.fromSeed(1);
  const rows: FeatureRow[] = Array.from({ length: n }, () => ({ b: prng.next(), a: prng.next() }));
  const labels = Array.from({ length: n }, (_, t) => (t < n - h ? (cycle[t % 3] as SignalClass) : null));
  return { rows, labels };
}

/**
 * Regimes alternate every 50 rows. In bull stretches a > 0 is followed by a rise, in bear
 * stretches by a fall; |a| < 0.3 is flat. Each specialist must learn its own regime's rule.
 */
function twoRegimeHistory(n: number) {
  const prng = Prng.fromSeed(2);
  const rows: FeatureRow[] = [];
  const labels: (SignalClass | null)[] = [];
  const regimes: RegimeProbabilities[] = [];
  for (let t = 0; t < n; t++) {
    const a = prng.next() * 2 - 1;
    const bull = Math.floor(t / 50) % 2 === 0;
    rows.push({ a, noise: prng.next() });
    const up: SignalClass = bull ? "BUY" : "SELL";
    const down: SignalClass = bull ? "SELL" : "BUY";
    labels.push(Math.abs(a) < 0.3 ? "HOLD" : a > 0 ? up : down);
    regimes.push(bull ? { bull: 0.9, bear: 0.05, sideways: 0.05 } : { bull: 0.05, bear: 0.9, sideways: 0.05 });
  }
  // Horizon 1: the last row has no next bar.
  labels[n - 1] = null;
  return { rows, labels, regimes };
}

describe("trainSpecialist: data handling", () => {
  it("splits chronologically and purges the h rows before the validation block", () => {
    // 100 rows, h = 5: rows 0..94 are labelled; validation is the last ⌈0.2 · 95⌉ = 19 of them
    // (76..94); training keeps t + 5 < 76, i.e. rows 0..70: 71 rows.
    const { rows, labels } = indexed(100, 5);
    const trained = trainSpecialist({
      ...quick,
      specialist: "bull_specialist",
      rows,
      labels,
      regimeWeights: rows.map(() => 1),
      seed: 1,
      horizon: 5,
    });
    expect(trained.metrics.train.rows).toBe(71);
    expect(trained.metrics.validation.rows).toBe(19);
    // Rows 0..70 cycle SELL, HOLD, BUY: 24 SELL (0, 3, …, 69), 24 HOLD (1, …, 70), 23 BUY (2, …, 68).
    expect(trained.metrics.classBalance.SELL).toBeCloseTo(24 / 71, 14);
    expect(trained.metrics.classBalance.HOLD).toBeCloseTo(24 / 71, 14);
    expect(trained.metrics.classBalance.BUY).toBeCloseTo(23 / 71, 14);
  });

  it("weights rows by the regime probability and leaves out those below the minimum", () => {
    // Even rows get weight 0.01 (< 0.05, dropped), odd rows 0.5: training keeps the odd rows of
    // 0..70 (35 of them, weight 17.5), validation the odd rows of 76..94 (77..93: 9 rows).
    const { rows, labels } = indexed(100, 5);
    const trained = trainSpecialist({
      ...quick,
      specialist: "sideways_specialist",
      rows,
      labels,
      regimeWeights: rows.map((_, t) => (t % 2 === 0 ? 0.01 : 0.5)),
      seed: 1,
      horizon: 5,
    });
    expect(trained.metrics.train).toMatchObject({ rows: 35, weight: 17.5 });
    expect(trained.metrics.validation).toMatchObject({ rows: 9, weight: 4.5 });
  });

  it("is not influenced at all by rows whose regime weight is 0", () => {
    const { rows, labels } = indexed(120, 3);
    const weights = rows.map((_, t) => (t % 4 === 0 ? 0 : 0.7));
    const flipped = labels.map((label, t) =>
      t % 4 === 0 && label !== null ? (label === "BUY" ? "SELL" : "BUY") : label,
    );
    const train = (l: (SignalClass | null)[]) =>
      trainSpecialist({
        ...quick,
        specialist: "bull_specialist",
        rows,
        labels: l,
        regimeWeights: weights,
        seed: 4,
        horizon: 3,
      });
    expect(mlpToJson(train(flipped).model)).toEqual(mlpToJson(train(labels).model));
  });

  it("orders features by sorted name unless told otherwise", () => {
    const { rows, labels } = indexed(60, 1);
    const base = { ...quick, specialist: "bull_specialist" as const, rows, labels, seed: 1, horizon: 1 };
    const regimeWeights = rows.map(() => 1);
    expect(trainSpecialist({ ...base, regimeWeights }).featureOrder).toEqual(["a", "b"]);
    expect(trainSpecialist({ ...base, regimeWeights, featureNames: ["b", "a"] }).featureOrder).toEqual(["b", "a"]);
    expect(() => trainSpecialist({ ...base, regimeWeights, featureNames: ["a", "c"] })).toThrow(/feature c is missing/);
  });

  it("is deterministic given the seed, and each specialist draws its own stream", () => {
    const { rows, labels } = indexed(90, 2);
    const regimeWeights = rows.map(() => 1);
    const train = (specialist: "bull_specialist" | "bear_specialist", seed: number) =>
      mlpToJson(trainSpecialist({ ...quick, specialist, rows, labels, regimeWeights, seed, horizon: 2 }).model);
    expect(train("bull_specialist", 7)).toEqual(train("bull_specialist", 7));
    expect(train("bull_specialist", 7)).not.toEqual(train("bull_specialist", 8));
    expect(train("bull_specialist", 7)).not.toEqual(train("bear_specialist", 7));
  });

  it("refuses misaligned inputs, weights outside [0, 1] and a regime with no rows", () => {
    const { rows, labels } = indexed(50, 1);
    const base = { ...quick, specialist: "bear_specialist" as const, rows, labels, seed: 1, horizon: 1 };
    expect(() => trainSpecialist({ ...base, regimeWeights: [1, 1] })).toThrow(/align/);
    expect(() => trainSpecialist({ ...base, regimeWeights: rows.map(() => 1.5) })).toThrow(RangeError);
    expect(() => trainSpecialist({ ...base, regimeWeights: rows.map(() => 0.01) })).toThrow(
      InsufficientTrainingDataError,
    );
  });
});

describe("trainSpecialist: learning", () => {
  const { rows, labels, regimes } = twoRegimeHistory(6000);
  const options = { horizon: 1, training: { hidden: [16], learningRate: 0.01, maxEpochs: 30 } };
  const trained = trainAllSpecialists({ ...options, rows, labels, regimeProbabilities: regimes, seed: 3 });

  it("trains each specialist on its own regime's column of the probabilities", () => {
    const trainRows = trained.bull_specialist.metrics.train.rows;
    // 5999 labelled rows; validation is the last ⌈0.2 · 5999⌉ = 1200 (from row 4799); the purge
    // keeps t + 1 < 4799: rows 0..4797.
    expect(trainRows).toBe(4798);
    const expectedWeight = (regime: keyof RegimeProbabilities) =>
      regimes.slice(0, trainRows).reduce((sum, p) => sum + p[regime], 0);
    expect(trained.bull_specialist.metrics.train.weight).toBeCloseTo(expectedWeight("bull"), 8);
    expect(trained.bear_specialist.metrics.train.weight).toBeCloseTo(expectedWeight("bear"), 8);
    expect(trained.sideways_specialist.metrics.train.weight).toBeCloseTo(expectedWeight("sideways"), 8);
  });

  it("learns its regime's rule: the bull specialist buys a > 0, the bear specialist sells it", () => {
    const probe = toFeatureMatrix(
      [
        { a: 0.8, noise: 0.5 },
        { a: -0.8, noise: 0.5 },
        { a: 0, noise: 0.5 },
      ],
      ["a", "noise"],
    );
    const bull = specialistScores(mlpForward(trained.bull_specialist.model, probe, 3), 3);
    const bear = specialistScores(mlpForward(trained.bear_specialist.model, probe, 3), 3);
    expect(bull[0]).toBeGreaterThan(0.5);
    expect(bull[1]).toBeLessThan(-0.5);
    expect(bear[0]).toBeLessThan(-0.5);
    expect(bear[1]).toBeGreaterThan(0.5);
    expect(Math.abs(bull[2] as number)).toBeLessThan(0.3);
    expect(trained.bull_specialist.metrics.validation.accuracy).toBeGreaterThan(0.85);
    expect(trained.bear_specialist.metrics.validation.accuracy).toBeGreaterThan(0.85);
  });

  it("exports to ONNX with its identity and feature order, and the export scores like the model", async () => {
    const bytes = exportSpecialist(trained.bear_specialist, 3);
    const loaded = await new MlpModelRuntime().load(bytes, { name: "bear_specialist@3" });
    expect(loaded.metadata).toMatchObject({
      specialist: "bear_specialist",
      version: "3",
      feature_names: '["a","noise"]',
      classes: '["SELL","HOLD","BUY"]',
    });
    const x = toFeatureMatrix(rows.slice(0, 100), trained.bear_specialist.featureOrder);
    const onnx = await loaded.run(Float32Array.from(x), 100);
    const direct = mlpForward(trained.bear_specialist.model, x, 100);
    for (let k = 0; k < direct.length; k++)
      expect(Math.abs((onnx[k] as number) - (direct[k] as number))).toBeLessThan(1e-5);
  });
});

describe("specialist scores and keys", () => {
  it("scores P(BUY) − P(SELL)", () => {
    expect(specialistScore([0.2, 0.3, 0.5])).toBeCloseTo(0.3, 15);
    expect(specialistScore([1, 0, 0])).toBe(-1);
    expect(Array.from(specialistScores([0.2, 0.3, 0.5, 0, 0, 1], 2))).toEqual([specialistScore([0.2, 0.3, 0.5]), 1]);
    expect(() => specialistScores([0.2, 0.3], 1)).toThrow(RangeError);
  });

  it("names artefacts specialists/<name>/v<version>/model.onnx", () => {
    expect(specialistArtifactKey("sideways_specialist", 12)).toBe("specialists/sideways_specialist/v12/model.onnx");
    expect(() => specialistArtifactKey("bull_specialist", 0)).toThrow(RangeError);
  });

  it("builds feature matrices in the given order and refuses missing or non-finite values", () => {
    expect(
      Array.from(
        toFeatureMatrix(
          [
            { x: 1, y: 2 },
            { y: 4, x: 3 },
          ],
          ["y", "x"],
        ),
      ),
    ).toEqual([2, 1, 4, 3]);
    expect(() => toFeatureMatrix([{ x: Number.NaN }], ["x"])).toThrow(/NaN/);
  });
});
