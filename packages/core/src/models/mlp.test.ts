import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import {
  cloneMlp,
  createMlp,
  evaluateMlp,
  fitStandardisation,
  type Mlp,
  mlpForward,
  mlpFromJson,
  mlpLossAndGradients,
  mlpToJson,
  type TrainingSet,
  trainMlp,
} from "./mlp";
import { handWorkedMlp } from "./model-runtime-contract";

const uniform = (seed: number) => {
  const prng = Prng.fromSeed(seed);
  return () => prng.next();
};

/** Three classes split by the first feature: < −0.5, [−0.5, 0.5], > 0.5; the others are noise. */
function thresholdProblem(rows: number, seed: number): TrainingSet {
  const random = uniform(seed);
  const features = new Float64Array(rows * 3);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = random() * 4 - 2;
    // Raw scales far from 1 exercise the folded standardisation.
    features[r * 3] = 1000 + 50 * a;
    features[r * 3 + 1] = random() * 1e-3;
    features[r * 3 + 2] = random() * 200 - 100;
    labels[r] = a < -0.5 ? 0 : a > 0.5 ? 2 : 1;
  }
  return { features, labels, rows };
}

describe("mlpForward", () => {
  it("computes the hand-worked probabilities", () => {
    const p = mlpForward(handWorkedMlp, Float64Array.from([3, 6, -1, 2]), 2);
    const z = 1 + Math.E + 2 * Math.sqrt(Math.E);
    const expected = [1 / z, Math.E / z, (2 * Math.sqrt(Math.E)) / z, 0.25, 0.25, 0.5];
    for (const [k, v] of expected.entries()) expect(p[k]).toBeCloseTo(v, 14);
  });

  it("stays finite for logits far beyond exp's range", () => {
    // s = (1e6, 0), h = (1e6, 5e5 − 0.5), z = (1e6, 1e6 − 1, −5e5 + ln 2): exp(1e6) is Infinity,
    // so only the max-shifted form gives (1, e⁻¹, ~0) / (1 + e⁻¹).
    const p = mlpForward(handWorkedMlp, Float64Array.from([2e6 + 1, 2]), 1);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(p[1]).toBeCloseTo(Math.exp(-1) / (1 + Math.exp(-1)), 12);
    expect(p[2]).toBe(0);
  });

  it("rejects a feature array of the wrong length", () => {
    expect(() => mlpForward(handWorkedMlp, new Float64Array(3), 2)).toThrow(RangeError);
  });
});

describe("createMlp", () => {
  it("draws He-initialised weights: mean 0, variance 2 / fan-in, zero biases", () => {
    const model = createMlp({ inputs: 400, hidden: [300], outputs: 3 }, uniform(1));
    const weights = model.layers[0]?.weights ?? new Float64Array();
    const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
    const variance = weights.reduce((a, b) => a + (b - mean) ** 2, 0) / weights.length;
    // 120 000 draws: the sample variance's relative standard error is √(2/n) ≈ 0.4 %.
    expect(variance).toBeGreaterThan((2 / 400) * 0.98);
    expect(variance).toBeLessThan((2 / 400) * 1.02);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(model.layers.every((layer) => layer.bias.every((b) => b === 0))).toBe(true);
    expect(model.layers.map((layer) => [layer.inputs, layer.outputs])).toEqual([
      [400, 300],
      [300, 3],
    ]);
  });

  it("is deterministic given the uniform source", () => {
    const a = createMlp({ inputs: 4, hidden: [5], outputs: 3 }, uniform(9));
    const b = createMlp({ inputs: 4, hidden: [5], outputs: 3 }, uniform(9));
    const c = createMlp({ inputs: 4, hidden: [5], outputs: 3 }, uniform(10));
    expect(mlpToJson(a)).toEqual(mlpToJson(b));
    expect(mlpToJson(a)).not.toEqual(mlpToJson(c));
  });
});

describe("mlpLossAndGradients", () => {
  it("gives −log p(label) for one row of the hand-worked network", () => {
    const set: TrainingSet = { features: Float64Array.from([-1, 2]), labels: Uint8Array.from([2]), rows: 1 };
    expect(mlpLossAndGradients(handWorkedMlp, set).loss).toBeCloseTo(Math.log(2), 14);
  });

  it("weights rows: the loss is Σ w·CE / Σ w", () => {
    // Row 1 (x = (−1, 2)) has p = (¼, ¼, ½): CE is ln 4 for label 0 and ln 2 for label 2.
    const set: TrainingSet = {
      features: Float64Array.from([-1, 2, -1, 2]),
      labels: Uint8Array.from([0, 2]),
      weights: Float64Array.from([1, 3]),
      rows: 2,
    };
    expect(mlpLossAndGradients(handWorkedMlp, set).loss).toBeCloseTo((Math.log(4) + 3 * Math.log(2)) / 4, 14);
  });

  it("adds (l2 / 2) Σ W² over the weights, not the biases", () => {
    const set: TrainingSet = { features: Float64Array.from([-1, 2]), labels: Uint8Array.from([2]), rows: 1 };
    // Σ W² = (1 + 1 + 0.25 + 0.25) + (1 + 0 + 0 + 4 + 1 + 1) = 9.5.
    expect(mlpLossAndGradients(handWorkedMlp, set, 0.2).loss).toBeCloseTo(Math.log(2) + 0.1 * 9.5, 14);
  });

  it("matches central finite differences for every parameter", () => {
    const random = uniform(3);
    const model: Mlp = {
      ...createMlp({ inputs: 3, hidden: [5, 4], outputs: 3 }, random),
      inputMean: Float64Array.from([0.5, -1, 2]),
      inputScale: Float64Array.from([2, 0.5, 3]),
    };
    for (const layer of model.layers) for (let o = 0; o < layer.outputs; o++) layer.bias[o] = random() - 0.5;
    const rows = 9;
    const set: TrainingSet = {
      features: Float64Array.from({ length: rows * 3 }, () => random() * 6 - 3),
      labels: Uint8Array.from({ length: rows }, (_, r) => r % 3),
      weights: Float64Array.from({ length: rows }, () => 0.1 + random()),
      rows,
    };
    const l2 = 0.03;
    const analytic = mlpLossAndGradients(model, set, l2);
    const h = 1e-6;
    let checked = 0;
    for (const [l, layer] of model.layers.entries()) {
      for (const [kind, params, grads] of [
        ["weights", layer.weights, analytic.weights[l]],
        ["bias", layer.bias, analytic.biases[l]],
      ] as const) {
        for (let q = 0; q < params.length; q++) {
          const probe = cloneMlp(model);
          const target = kind === "weights" ? probe.layers[l]?.weights : probe.layers[l]?.bias;
          if (!target || !grads) throw new Error("missing parameter");
          const original = target[q] as number;
          target[q] = original + h;
          const up = mlpLossAndGradients(probe, set, l2).loss;
          target[q] = original - h;
          const down = mlpLossAndGradients(probe, set, l2).loss;
          const numeric = (up - down) / (2 * h);
          expect(Math.abs((grads[q] as number) - numeric)).toBeLessThan(1e-7 + 1e-6 * Math.abs(numeric));
          checked++;
        }
      }
    }
    // (3·5 + 5) + (5·4 + 4) + (4·3 + 3) parameters.
    expect(checked).toBe(59);
  });
});

describe("fitStandardisation", () => {
  it("computes weighted means and standard deviations; a constant feature keeps scale 1", () => {
    // Feature 0 takes 1 (weight 1) and 3 (weight 3): mean 2.5, variance (2.25 + 3·0.25) / 4 = 0.75.
    const set: TrainingSet = {
      features: Float64Array.from([1, 7, 3, 7]),
      labels: Uint8Array.from([0, 0]),
      weights: Float64Array.from([1, 3]),
      rows: 2,
    };
    const { mean, scale } = fitStandardisation(set, 2);
    expect(mean[0]).toBeCloseTo(2.5, 14);
    expect(scale[0]).toBeCloseTo(Math.sqrt(0.75), 14);
    expect(mean[1]).toBe(7);
    expect(scale[1]).toBe(1);
  });
});

describe("trainMlp", () => {
  const train = thresholdProblem(3000, 1);
  const validation = thresholdProblem(600, 2);
  const options = { hidden: [16, 8], learningRate: 0.01, batchSize: 64, maxEpochs: 40, patience: 4 };

  it("learns a threshold rule from raw, badly scaled features", () => {
    const result = trainMlp({ train, validation, outputs: 3 }, options, uniform(5));
    expect(evaluateMlp(result.model, validation).accuracy).toBeGreaterThan(0.95);
    const history = result.history;
    expect(history[history.length - 1]?.trainLoss).toBeLessThan((history[0]?.trainLoss ?? 0) / 2);
    // Standardisation is fitted on the training set: feature 0 is 1000 + 50·U(−2, 2).
    expect(result.model.inputMean[0]).toBeCloseTo(1000, -1);
    expect(result.model.inputScale[0]).toBeCloseTo((50 * 4) / Math.sqrt(12), -1);
  });

  it("keeps the parameters of the epoch with the lowest validation loss", () => {
    const result = trainMlp({ train, validation, outputs: 3 }, options, uniform(5));
    const best = Math.min(...result.history.map((e) => e.validationLoss));
    expect(result.history.find((e) => e.epoch === result.bestEpoch)?.validationLoss).toBe(best);
    expect(evaluateMlp(result.model, validation).loss).toBeCloseTo(best, 12);
  });

  it("stops after `patience` epochs without improvement", () => {
    // Labels that are pure noise: validation loss stops improving almost at once.
    const random = uniform(8);
    const noisy = (rows: number): TrainingSet => ({
      features: Float64Array.from({ length: rows * 2 }, () => random()),
      labels: Uint8Array.from({ length: rows }, () => Math.floor(random() * 3)),
      rows,
    });
    const result = trainMlp(
      { train: noisy(500), validation: noisy(500), outputs: 3 },
      { hidden: [32], learningRate: 0.05, maxEpochs: 200, patience: 3 },
      uniform(1),
    );
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(result.bestEpoch + 3);
  });

  it("is deterministic given the seed", () => {
    const a = trainMlp({ train, validation, outputs: 3 }, { ...options, maxEpochs: 3 }, uniform(21));
    const b = trainMlp({ train, validation, outputs: 3 }, { ...options, maxEpochs: 3 }, uniform(21));
    const c = trainMlp({ train, validation, outputs: 3 }, { ...options, maxEpochs: 3 }, uniform(22));
    expect(mlpToJson(a.model)).toEqual(mlpToJson(b.model));
    expect(mlpToJson(a.model)).not.toEqual(mlpToJson(c.model));
  });

  it("takes Adam's first step: θ − lr · g / (|g| + ε) with bias-corrected moments", () => {
    // One full-batch step. m̂ = g and v̂ = g² after bias correction, so every parameter moves by
    // lr · g / (|g| + ε): about lr against the sign of its gradient.
    const small = thresholdProblem(40, 4);
    const lr = 0.01;
    const result = trainMlp(
      { train: small, validation: small, outputs: 3 },
      { hidden: [4], learningRate: lr, batchSize: 40, maxEpochs: 1 },
      uniform(17),
    );
    const initial = createMlp({ inputs: 3, hidden: [4], outputs: 3 }, uniform(17));
    const { mean, scale } = fitStandardisation(small, 3);
    const start: Mlp = { ...initial, inputMean: mean, inputScale: scale };
    const g = mlpLossAndGradients(start, small);
    for (const [l, layer] of start.layers.entries()) {
      const trained = result.model.layers[l];
      for (const [params, grads, after] of [
        [layer.weights, g.weights[l], trained?.weights],
        [layer.bias, g.biases[l], trained?.bias],
      ] as const) {
        for (let q = 0; q < params.length; q++) {
          const gq = grads?.[q] as number;
          const expected = (params[q] as number) - (lr * gq) / (Math.abs(gq) + 1e-8);
          expect(after?.[q]).toBeCloseTo(expected, 10);
        }
      }
    }
  });

  it("rejects an empty validation set and labels outside the classes", () => {
    const empty: TrainingSet = { features: new Float64Array(0), labels: new Uint8Array(0), rows: 0 };
    expect(() => trainMlp({ train, validation: empty, outputs: 3 }, {}, uniform(1))).toThrow(/validation/);
    const bad: TrainingSet = { ...validation, labels: Uint8Array.from(validation.labels, () => 3) };
    expect(() => trainMlp({ train, validation: bad, outputs: 3 }, {}, uniform(1))).toThrow(RangeError);
  });
});

describe("MLP JSON", () => {
  it("round-trips every float64 parameter exactly", () => {
    const model = trainMlp(
      { train: thresholdProblem(200, 1), validation: thresholdProblem(50, 2), outputs: 3 },
      { hidden: [6], maxEpochs: 2 },
      uniform(3),
    ).model;
    const json = JSON.parse(JSON.stringify(mlpToJson(model)));
    expect(mlpToJson(mlpFromJson(json))).toEqual(mlpToJson(model));
    const x = thresholdProblem(10, 9).features;
    expect(mlpForward(mlpFromJson(json), x, 10)).toEqual(mlpForward(model, x, 10));
  });

  it("refuses inconsistent shapes and non-finite values", () => {
    const json = mlpToJson(handWorkedMlp);
    const firstLayer = json.layers[0];
    if (!firstLayer) throw new Error("no layer");
    expect(() =>
      mlpFromJson({ ...json, layers: [{ ...firstLayer, weights: [1, 2, 3] }, ...json.layers.slice(1)] }),
    ).toThrow(/weights/);
    expect(() => mlpFromJson({ ...json, inputMean: [Number.NaN, 0] })).toThrow();
    expect(() => mlpFromJson({ ...json, inputScale: [0, 1] })).toThrow();
    expect(() => mlpFromJson({ ...json, format: "other" })).toThrow();
  });
});
