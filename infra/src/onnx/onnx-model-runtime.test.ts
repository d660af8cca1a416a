import {
  blendedScoreFunction,
  exactShapley,
  exportMlpToOnnx,
  exportSpecialist,
  type FeatureRow,
  type Logger,
  mlpForward,
  Prng,
  type RegimeProbabilities,
  type SignalClass,
  silentLogger,
  specialistNames,
  trainAllSpecialists,
  trainMlp,
} from "@tradeops/core";
import { describeModelRuntimeContract, handWorkedOnnx } from "@tradeops/core/testing";
import { InferenceSession } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { OnnxModelRuntime } from "./onnx-model-runtime";

describeModelRuntimeContract(
  "OnnxModelRuntime (cpu)",
  async () => new OnnxModelRuntime({ executionProviders: ["cpu"], logger: silentLogger }),
);

interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: Record<string, unknown> | string, message?: string): void => {
      lines.push(typeof fields === "string" ? { level, fields: {}, message: fields } : { level, fields, message });
    };
  const logger: Logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}

async function cudaWorksHere(): Promise<boolean> {
  try {
    const session = await InferenceSession.create(handWorkedOnnx(), { executionProviders: ["cuda"] });
    await session.release();
    return true;
  } catch {
    return false;
  }
}

describe("OnnxModelRuntime execution providers", () => {
  it("uses CUDA when it works and otherwise runs on CPU without attempting an uninstalled CUDA", async () => {
    const lines: LogLine[] = [];
    const runtime = new OnnxModelRuntime({ logger: recordingLogger(lines) });
    const first = await runtime.load(handWorkedOnnx(), { name: "first" });
    const second = await runtime.load(handWorkedOnnx(), { name: "second" });
    const expected = (await cudaWorksHere()) ? "cuda" : "cpu";
    expect(first.executionProvider).toBe(expected);
    expect(second.executionProvider).toBe(expected);
    expect(lines.filter((l) => l.level === "warn" && l.fields.provider === "cuda")).toHaveLength(0);
    const skipped = lines.filter((l) => l.level === "info" && l.fields.provider === "cuda");
    expect(skipped).toHaveLength(expected === "cpu" ? 1 : 0);
    expect(lines.filter((l) => l.level === "info" && l.fields.provider === expected)).toHaveLength(2);
    await first.close();
    await second.close();
  });

  it("skips a provider this build does not know, with a warning", async () => {
    const lines: LogLine[] = [];
    const runtime = new OnnxModelRuntime({
      executionProviders: ["no-such-provider", "cpu"],
      logger: recordingLogger(lines),
    });
    const model = await runtime.load(handWorkedOnnx(), { name: "m" });
    expect(model.executionProvider).toBe("cpu");
    expect(lines.some((l) => l.level === "warn" && l.fields.provider === "no-such-provider")).toBe(true);
    await model.close();
  });

  it("fails the load, naming the model, when no provider can run it", async () => {
    const runtime = new OnnxModelRuntime({ executionProviders: ["no-such-provider"], logger: silentLogger });
    await expect(runtime.load(handWorkedOnnx(), { name: "stranded" })).rejects.toThrow(
      /stranded.*no execution provider/,
    );
  });
});

describe("ONNX Runtime agrees with the TypeScript forward pass", () => {
  const prng = Prng.fromSeed(2024);
  const random = () => prng.next();
  const features = 6;
  const sample = (rows: number) => {
    const x = new Float64Array(rows * features);
    const labels = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < features; i++) x[r * features + i] = Math.fround(random() * 10 - 5 + i * 100);
      const s = (x[r * features] as number) - (x[r * features + 1] as number) + 100;
      labels[r] = s < -1 ? 0 : s > 1 ? 2 : 1;
    }
    return { features: x, labels, rows };
  };
  const { model } = trainMlp(
    { train: sample(2000), validation: sample(400), outputs: 3 },
    { hidden: [16, 8], learningRate: 0.01, maxEpochs: 15 },
    random,
  );
  const bytes = exportMlpToOnnx(model, { featureNames: ["f0", "f1", "f2", "f3", "f4", "f5"] });
  const rows = 300;
  const inputs = sample(rows).features;
  const expected = mlpForward(model, inputs, rows);

  it("on a batch of 300 rows and on each row alone, to 1e-5", async () => {
    const loaded = await new OnnxModelRuntime({ executionProviders: ["cpu"], logger: silentLogger }).load(bytes, {
      name: "trained",
    });
    const batch = await loaded.run(Float32Array.from(inputs), rows);
    let worst = 0;
    for (let k = 0; k < expected.length; k++)
      worst = Math.max(worst, Math.abs((batch[k] as number) - (expected[k] as number)));
    for (let r = 0; r < rows; r++) {
      const single = await loaded.run(Float32Array.from(inputs.subarray(r * features, (r + 1) * features)), 1);
      for (let k = 0; k < 3; k++) {
        worst = Math.max(worst, Math.abs((single[k] as number) - (expected[r * 3 + k] as number)));
      }
    }
    expect(worst).toBeLessThan(1e-5);
    // The model must be doing something: its probabilities are not all a third.
    expect(Math.max(...expected)).toBeGreaterThan(0.9);
    await loaded.close();
  });

  it("scores batch 1 in well under a millisecond", async () => {
    const loaded = await new OnnxModelRuntime({ executionProviders: ["cpu"], logger: silentLogger }).load(bytes, {
      name: "latency",
    });
    const row = Float32Array.from(inputs.subarray(0, features));
    for (let k = 0; k < 200; k++) await loaded.run(row, 1);
    const timings: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const start = performance.now();
      await loaded.run(row, 1);
      timings.push(performance.now() - start);
    }
    timings.sort((a, b) => a - b);
    expect(timings[Math.floor(timings.length / 2)]).toBeLessThan(1);
    await loaded.close();
  });
});

describe("SHAP on the ONNX Runtime decision path", () => {
  it("explains the blended specialist score over 12 features: base + Σ φ = output within 1e-6", async () => {
    const prng = Prng.fromSeed(77);
    const names = Array.from({ length: 12 }, (_, i) => `feature_${String(i).padStart(2, "0")}`);
    const rows: FeatureRow[] = [];
    const labels: (SignalClass | null)[] = [];
    const regimes: RegimeProbabilities[] = [];
    for (let t = 0; t < 3000; t++) {
      const row: Record<string, number> = {};
      for (const name of names) row[name] = prng.normal();
      rows.push(row);
      const signal = (row.feature_00 ?? 0) + 0.5 * (row.feature_01 ?? 0) * (row.feature_02 ?? 0);
      labels.push(signal > 0.5 ? "BUY" : signal < -0.5 ? "SELL" : "HOLD");
      const bull = prng.next();
      regimes.push({ bull, bear: (1 - bull) / 2, sideways: (1 - bull) / 2 });
    }
    labels[labels.length - 1] = null;
    const specialists = trainAllSpecialists({
      rows,
      labels,
      regimeProbabilities: regimes,
      seed: 1,
      horizon: 1,
      training: { hidden: [16, 8], maxEpochs: 5 },
    });
    const runtime = new OnnxModelRuntime({ executionProviders: ["cpu"], logger: silentLogger });
    const weights = { bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 };
    const models = await Promise.all(
      specialistNames.map(async (name) => ({
        model: await runtime.load(exportSpecialist(specialists[name], 1), { name }),
        weight: weights[name],
      })),
    );
    const f = blendedScoreFunction(models);
    const background = Array.from({ length: 50 }, (_, b) => names.map((name) => rows[b * 7]?.[name] ?? 0));
    let signalWeight = 0;
    let noiseWeight = 0;
    for (const t of [2500, 2600, 2700, 2800, 2900]) {
      const x = names.map((name) => rows[t]?.[name] ?? 0);
      const explanation = await exactShapley({ f, x, background, featureNames: names });
      // The decision's score computed afresh, one session run per specialist, as the decision path does.
      let output = 0;
      for (const { model, weight } of models) {
        const p = await model.run(Float32Array.from(x), 1);
        output += weight * ((p[2] as number) - (p[0] as number));
      }
      const sum = Object.values(explanation.values).reduce((a, b) => a + b, 0);
      expect(Math.abs(explanation.baseValue + sum - output)).toBeLessThan(1e-6);
      signalWeight += Math.abs(explanation.values.feature_00 ?? 0);
      noiseWeight += Math.abs(explanation.values.feature_11 ?? 0);
    }
    // feature_00 drives the labels, feature_11 is noise: over a few decisions the first must matter more.
    expect(signalWeight).toBeGreaterThan(noiseWeight);
    await Promise.all(models.map(({ model }) => model.close()));
  });
});
