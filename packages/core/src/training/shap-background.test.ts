import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { sampleShapBackground, shapBackgroundSchema } from "./shap-background";
import type { TrainingSet } from "./training-set";

/** `bars` kept bars × `symbols` symbols, each row recording where it comes from. */
function syntheticSet(bars: number, symbols: number): TrainingSet {
  const rows = [];
  for (let t = 0; t < bars; t++) for (let s = 0; s < symbols; s++) rows.push({ bar: t, symbol: s });
  return {
    featureNames: ["symbol", "bar"],
    rows,
    labels: rows.map(() => null),
    regimeProbabilities: rows.map(() => ({ bull: 1, bear: 0, sideways: 0 })),
    symbolIndex: Uint32Array.from(rows, (row) => row.symbol),
    barIndex: Uint32Array.from(rows, (row) => row.bar + 40),
    rowsPerBar: symbols,
    bars,
  };
}

describe("sampleShapBackground", () => {
  it("takes one row per time stratum and cycles through every symbol before repeating one", () => {
    const background = sampleShapBackground(syntheticSet(100, 4), 10, Prng.fromSeed(1));
    expect(shapBackgroundSchema.safeParse(background).success).toBe(true);
    expect(background.featureNames).toEqual(["symbol", "bar"]);
    expect(background.rows).toHaveLength(10);
    for (const [k, [symbol, bar]] of background.rows.entries()) {
      // Stratum k of 100 bars in 10 is bars 10k .. 10k + 9.
      expect(bar).toBeGreaterThanOrEqual(10 * k);
      expect(bar).toBeLessThan(10 * (k + 1));
      // Rows 0-3, 4-7 are each a permutation of the 4 symbols, and the same permutation.
      expect(symbol).toBe(background.rows[k % 4]?.[0]);
    }
    expect(new Set(background.rows.slice(0, 4).map((row) => row[0]))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("covers strata of unequal length when the bars do not divide evenly", () => {
    const background = sampleShapBackground(syntheticSet(7, 2), 3, Prng.fromSeed(2));
    // ⌊k·7/3⌋: strata [0, 2), [2, 4), [4, 7).
    const bars = background.rows.map((row) => row[1] as number);
    expect(bars[0]).toBeLessThan(2);
    expect(bars[1]).toBeGreaterThanOrEqual(2);
    expect(bars[1]).toBeLessThan(4);
    expect(bars[2]).toBeGreaterThanOrEqual(4);
    expect(bars[2]).toBeLessThan(7);
  });

  it("is fixed by the seed and moves with it", () => {
    const set = syntheticSet(500, 5);
    const a = sampleShapBackground(set, 50, Prng.fromSeed(7));
    expect(sampleShapBackground(set, 50, Prng.fromSeed(7))).toEqual(a);
    expect(sampleShapBackground(set, 50, Prng.fromSeed(8))).not.toEqual(a);
    // Every symbol appears exactly 50 / 5 = 10 times.
    const counts = [0, 0, 0, 0, 0];
    for (const [symbol] of a.rows) counts[symbol as number] = (counts[symbol as number] ?? 0) + 1;
    expect(counts).toEqual([10, 10, 10, 10, 10]);
  });

  it("refuses more strata than bars", () => {
    expect(() => sampleShapBackground(syntheticSet(5, 2), 6, Prng.fromSeed(1))).toThrow(RangeError);
    expect(() => sampleShapBackground(syntheticSet(5, 2), 0, Prng.fromSeed(1))).toThrow(RangeError);
  });
});
