import { describe, expect, it } from "vitest";
import { draw, kMeansPlusPlus } from "./k-means";
import { mulberry32 } from "./regime-test-support";

describe("kMeansPlusPlus", () => {
  it("separates two obvious groups and puts each centroid at its group's mean", () => {
    // Group A around (0, 0), group B around (10, 10); hand-computed means (1/3, 1/3) and (10, 31/3).
    const points = Float64Array.from([0, 0, 1, 0, 0, 1, 10, 10, 10, 11, 10, 10]);
    for (let seed = 1; seed <= 20; seed++) {
      const { centroids, labels } = kMeansPlusPlus(points, 2, 2, mulberry32(seed));
      expect(labels[0]).toBe(labels[1]);
      expect(labels[1]).toBe(labels[2]);
      expect(labels[3]).toBe(labels[4]);
      expect(labels[4]).toBe(labels[5]);
      expect(labels[0]).not.toBe(labels[3]);
      const a = labels[0] ?? 0;
      const b = labels[3] ?? 0;
      expect(centroids[2 * a]).toBeCloseTo(1 / 3, 14);
      expect(centroids[2 * a + 1]).toBeCloseTo(1 / 3, 14);
      expect(centroids[2 * b]).toBeCloseTo(10, 14);
      expect(centroids[2 * b + 1]).toBeCloseTo(31 / 3, 14);
    }
  });

  it("copes with fewer distinct points than clusters", () => {
    const points = Float64Array.from([1, 1, 1, 1, 1, 1]);
    const { labels } = kMeansPlusPlus(points, 2, 3, mulberry32(1));
    expect(Array.from(labels).every((label) => label >= 0 && label < 3)).toBe(true);
  });

  it("refuses fewer points than clusters", () => {
    expect(() => kMeansPlusPlus(Float64Array.from([1, 2]), 2, 2, mulberry32(1))).toThrow(RangeError);
  });
});

describe("draw", () => {
  it.each([1, -0.1, Number.NaN, 2])("rejects a generator returning %s", (value) => {
    expect(() => draw(() => value)).toThrow(RangeError);
  });
});
