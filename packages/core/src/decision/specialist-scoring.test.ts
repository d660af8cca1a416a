import { describe, expect, it } from "vitest";
import { linearSoftmaxMlp, loadSpecialist, softmax3 } from "./decision-test-support";
import {
  assertSpecialistBindings,
  probabilityScore,
  type SpecialistBinding,
  SpecialistOutputError,
  scoreSpecialists,
} from "./specialist-scoring";

async function bindings(): Promise<SpecialistBinding[]> {
  return [
    // logits (−2x, 0, 2x) over x = returns_1.
    await loadSpecialist("bull_specialist", linearSoftmaxMlp(1, [[-2], [0], [2]], [0, 0, 0]), ["returns_1"], 3),
    // Constant: biases ln 1, ln 2, ln 7 -> (0.1, 0.2, 0.7) whatever the inputs.
    await loadSpecialist(
      "bear_specialist",
      linearSoftmaxMlp(
        2,
        [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        [0, Math.log(2), Math.log(7)],
      ),
      ["rsi_14", "macd"],
    ),
    await loadSpecialist("sideways_specialist", linearSoftmaxMlp(1, [[0], [0], [0]], [0, 0, 0]), ["macd"]),
  ];
}

describe("scoreSpecialists", () => {
  it("feeds each model its features in order and reads (SELL, HOLD, BUY)", async () => {
    const scored = await scoreSpecialists(await bindings(), { returns_1: 0.5, rsi_14: 40, macd: 0.01 });
    const [sell, hold, buy] = softmax3(-1, 0, 1);
    expect(scored?.bull_specialist.sell).toBeCloseTo(sell, 6);
    expect(scored?.bull_specialist.hold).toBeCloseTo(hold, 6);
    expect(scored?.bull_specialist.buy).toBeCloseTo(buy, 6);
    expect(scored?.bear_specialist.buy).toBeCloseTo(0.7, 6);
    expect(scored?.sideways_specialist.hold).toBeCloseTo(1 / 3, 6);
    expect(probabilityScore({ sell: 0.1, hold: 0.2, buy: 0.7 })).toBeCloseTo(0.6, 15);
  });

  it("scores nothing when a needed feature is missing", async () => {
    expect(await scoreSpecialists(await bindings(), { returns_1: 0.5, macd: 0.01 })).toBeUndefined();
  });

  it("reads the binding's version and features from the model's metadata", async () => {
    const [bull] = await bindings();
    expect(bull?.version).toBe("3");
    expect(bull?.featureNames).toEqual(["returns_1"]);
  });

  it("insists on one well-formed binding per specialist", async () => {
    const all = await bindings();
    expect(() => assertSpecialistBindings(all)).not.toThrow();
    expect(() => assertSpecialistBindings(all.slice(0, 2))).toThrow(/one model per specialist/);
    const [bull, bear, sideways] = all as [SpecialistBinding, SpecialistBinding, SpecialistBinding];
    expect(() => assertSpecialistBindings([bull, bear, { ...sideways, featureNames: ["macd", "rsi_14"] }])).toThrow(
      /feature names/,
    );
    expect(() => assertSpecialistBindings([bull, { ...bear, featureNames: ["macd", "rsi_14"] }, sideways])).toThrow(
      /differ from the model's own/,
    );
  });
});

describe("scoreSpecialists on a broken model", () => {
  it("rejects an output that is not a probability distribution", async () => {
    const [bull, bear, sideways] = (await bindings()) as [SpecialistBinding, SpecialistBinding, SpecialistBinding];
    const broken: SpecialistBinding = {
      ...sideways,
      model: { ...sideways.model, run: async () => Float32Array.from([0.5, 0.5, 0.5]) },
    };
    await expect(scoreSpecialists([bull, bear, broken], { returns_1: 0, rsi_14: 50, macd: 0 })).rejects.toThrow(
      SpecialistOutputError,
    );
  });
});
