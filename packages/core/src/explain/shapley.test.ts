import { describe, expect, it } from "vitest";
import { createMlp, mlpForward } from "../models/mlp";
import { specialistScores } from "../models/specialist";
import { Prng } from "../random/prng";
import { type BatchFunction, exactShapley, shapleyFromCoalitionValues } from "./shapley";

/** Wraps a per-row function as a batch function. */
function rowwise(f: (row: Float64Array) => number): BatchFunction {
  return (batch, rows) => {
    const width = batch.length / rows;
    return Float64Array.from({ length: rows }, (_, r) => f(batch.subarray(r * width, (r + 1) * width)));
  };
}

const at = (row: Float64Array, i: number) => row[i] as number;

/** Textbook Shapley values by their other definition: the mean marginal contribution over all F! orderings. */
function permutationShapley(v: (coalition: Set<number>) => number, featureCount: number): number[] {
  const phi = new Array<number>(featureCount).fill(0);
  let orderings = 0;
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) {
      orderings++;
      const members = new Set<number>();
      for (const player of prefix) {
        const before = v(members);
        members.add(player);
        phi[player] = (phi[player] as number) + v(members) - before;
      }
      return;
    }
    for (const [k, player] of rest.entries()) permute([...prefix, player], [...rest.slice(0, k), ...rest.slice(k + 1)]);
  };
  permute(
    [],
    Array.from({ length: featureCount }, (_, i) => i),
  );
  return phi.map((p) => p / orderings);
}

describe("shapleyFromCoalitionValues", () => {
  it("solves the three-player glove game: (2/3, 1/6, 1/6)", () => {
    // Player 0 holds a left glove, players 1 and 2 a right one; a coalition is worth 1 if it can make a pair.
    const v = Float64Array.from({ length: 8 }, (_, s) => ((s & 1) !== 0 && (s & 6) !== 0 ? 1 : 0));
    const phi = shapleyFromCoalitionValues(v, 3);
    expect(phi[0]).toBeCloseTo(2 / 3, 15);
    expect(phi[1]).toBeCloseTo(1 / 6, 15);
    expect(phi[2]).toBeCloseTo(1 / 6, 15);
  });

  it("gives a lone player the whole gain", () => {
    expect(Array.from(shapleyFromCoalitionValues([2, 7], 1))).toEqual([5]);
  });

  it("rejects a value table of the wrong size", () => {
    expect(() => shapleyFromCoalitionValues([0, 1, 2], 2)).toThrow(RangeError);
  });
});

describe("exactShapley", () => {
  it("works the product x1·x2 with one background point by hand", async () => {
    // x = (3, 5), b = (1, 2): v(∅) = 2, v({1}) = 3·2 = 6, v({2}) = 1·5 = 5, v({1,2}) = 15.
    // φ1 = ½(6 − 2) + ½(15 − 5) = 7, φ2 = ½(5 − 2) + ½(15 − 6) = 6; 2 + 7 + 6 = 15.
    const explanation = await exactShapley({
      f: rowwise((row) => at(row, 0) * at(row, 1)),
      x: [3, 5],
      background: [[1, 2]],
      featureNames: ["x1", "x2"],
    });
    expect(explanation).toEqual({ baseValue: 2, values: { x1: 7, x2: 6 }, output: 15 });
  });

  it("gives w_i (x_i − mean_b x_i) for a linear model, and base value f(mean b)", async () => {
    const w = [2, -3, 0.5, 4];
    const c = 1.25;
    const f = rowwise((row) => c + w.reduce((sum, wi, i) => sum + wi * at(row, i), 0));
    const background = [
      [1, 2, 3, 4],
      [0, -1, 5, 2],
      [2, 2, -1, 0],
    ];
    const x = [3, 1, 1, -2];
    const explanation = await exactShapley({ f, x, background, featureNames: ["a", "b", "c", "d"] });
    const meanB = [1, 1, 7 / 3, 2];
    for (const [i, name] of ["a", "b", "c", "d"].entries()) {
      expect(explanation.values[name]).toBeCloseTo((w[i] as number) * ((x[i] as number) - (meanB[i] as number)), 12);
    }
    expect(explanation.baseValue).toBeCloseTo(c + w.reduce((sum, wi, i) => sum + wi * (meanB[i] as number), 0), 12);
  });

  it("agrees with the permutation definition on a non-linear function of four features", async () => {
    const g = (z: readonly number[]) =>
      Math.sin(z[0] as number) * (z[1] as number) +
      Math.max(0, (z[2] as number) - (z[3] as number)) ** 2 +
      (z[0] as number) * (z[3] as number);
    const x = [0.7, -1.2, 2.5, 0.3];
    const background = [
      [0, 0, 0, 0],
      [1, 2, -1, 1],
      [-0.5, 0.5, 1.5, 2],
    ];
    // v(S) = mean_b g(x_S ∪ b_S̄), evaluated directly, row by row.
    const v = (coalition: Set<number>) =>
      background.reduce((sum, b) => sum + g(b.map((bi, i) => (coalition.has(i) ? (x[i] as number) : bi))), 0) /
      background.length;
    const expected = permutationShapley(v, 4);
    const explanation = await exactShapley({
      f: rowwise((row) => g(Array.from(row))),
      x,
      background,
      featureNames: ["f0", "f1", "f2", "f3"],
    });
    for (const [i, name] of ["f0", "f1", "f2", "f3"].entries()) {
      expect(explanation.values[name]).toBeCloseTo(expected[i] as number, 12);
    }
  });

  it("gives symmetric features equal values and an ignored feature exactly 0", async () => {
    // f is symmetric in features 0 and 1 and ignores feature 2; x and the background treat 0 and 1 alike.
    const f = rowwise((row) => Math.exp(at(row, 0) + at(row, 1)) + at(row, 0) * at(row, 1) * at(row, 3));
    const explanation = await exactShapley({
      f,
      x: [1.5, 1.5, 9, -2],
      background: [
        [0, 0, 1, 1],
        [1, 1, -4, 0],
      ],
      featureNames: ["a", "b", "unused", "d"],
    });
    expect(explanation.values.a).toBeCloseTo(explanation.values.b as number, 12);
    expect(explanation.values.unused).toBe(0);
  });

  it("is efficient: base value + Σ φ = f(x) within 1e-9 for an MLP's score over 12 features", async () => {
    const prng = Prng.fromSeed(5);
    const random = () => prng.next();
    const model = createMlp({ inputs: 12, hidden: [16, 8], outputs: 3 }, random);
    const f = (batch: Float64Array, rows: number) => specialistScores(mlpForward(model, batch, rows), rows);
    const names = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const background = Array.from({ length: 20 }, () => Array.from({ length: 12 }, () => random() * 4 - 2));
    for (let trial = 0; trial < 3; trial++) {
      const x = Array.from({ length: 12 }, () => random() * 4 - 2);
      // A small batch limit forces many calls, exercising the chunking.
      const explanation = await exactShapley({ f, x, background, featureNames: names, maxBatchRows: 1000 });
      const direct = f(Float64Array.from(x), 1)[0] as number;
      expect(explanation.output).toBe(direct);
      const sum = Object.values(explanation.values).reduce((a, b) => a + b, 0);
      expect(Math.abs(explanation.baseValue + sum - direct)).toBeLessThan(1e-9);
      const meanBackground =
        background.reduce((s, b) => s + (f(Float64Array.from(b), 1)[0] as number), 0) / background.length;
      expect(explanation.baseValue).toBeCloseTo(meanBackground, 12);
    }
  });

  it("awaits an asynchronous f and evaluates every coalition once", async () => {
    let rowsSeen = 0;
    const f: BatchFunction = async (batch, rows) => {
      rowsSeen += rows;
      return Float64Array.from({ length: rows }, (_, r) => (batch[r * 3] as number) + 2 * (batch[r * 3 + 2] as number));
    };
    const explanation = await exactShapley({
      f,
      x: [1, 1, 1],
      background: [
        [0, 0, 0],
        [2, 0, 2],
      ],
      featureNames: ["a", "b", "c"],
      maxBatchRows: 5,
    });
    // 7 coalitions short of the grand one × 2 background rows, plus x itself.
    expect(rowsSeen).toBe(7 * 2 + 1);
    expect(explanation).toEqual({ baseValue: 3, values: { a: 0, b: 0, c: 0 }, output: 3 });
  });

  it("rejects mismatched widths, an empty background, duplicate names and too many features", async () => {
    const f = rowwise(() => 0);
    await expect(exactShapley({ f, x: [1], background: [[1]], featureNames: ["a", "b"] })).rejects.toThrow(RangeError);
    await expect(exactShapley({ f, x: [1], background: [], featureNames: ["a"] })).rejects.toThrow(/empty/);
    await expect(exactShapley({ f, x: [1, 2], background: [[1, 2]], featureNames: ["a", "a"] })).rejects.toThrow(
      /distinct/,
    );
    const many = Array.from({ length: 17 }, (_, i) => `f${i}`);
    await expect(
      exactShapley({ f, x: many.map(() => 0), background: [many.map(() => 0)], featureNames: many }),
    ).rejects.toThrow(/16/);
    const tooFew: BatchFunction = (_, rows) => new Float64Array(Math.max(0, rows - 1));
    await expect(
      exactShapley({
        f: tooFew,
        x: [1, 2],
        background: [
          [0, 0],
          [1, 1],
        ],
        featureNames: ["a", "b"],
      }),
    ).rejects.toThrow(/returned/);
  });
});
