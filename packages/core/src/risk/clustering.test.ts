import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { clusterItems, type Merge, singleLinkage } from "./clustering";

/** Distances between points on a line. */
const line = (xs: readonly number[]): number[][] => xs.map((a) => xs.map((b) => Math.abs(a - b)));

/**
 * The textbook O(n⁴) agglomeration, written independently: while more than one cluster is left,
 * join the pair whose closest members are nearest (ties: the first pair found). Returns each
 * merge as the sorted items of its two sides and its height.
 */
function bruteForceSingleLinkage(d: readonly (readonly number[])[]): { sides: string[]; height: number }[] {
  let clusters = d.map((_, i) => [i]);
  const merges: { sides: string[]; height: number }[] = [];
  while (clusters.length > 1) {
    let best = { a: 0, b: 1, height: Number.POSITIVE_INFINITY };
    for (let a = 0; a < clusters.length; a += 1) {
      for (let b = a + 1; b < clusters.length; b += 1) {
        let height = Number.POSITIVE_INFINITY;
        for (const i of clusters[a] ?? []) for (const j of clusters[b] ?? []) height = Math.min(height, d[i]?.[j] ?? 0);
        if (height < best.height) best = { a, b, height };
      }
    }
    const A = clusters[best.a] ?? [];
    const B = clusters[best.b] ?? [];
    merges.push({ sides: [key(A), key(B)].sort(), height: best.height });
    clusters = clusters.filter((_, k) => k !== best.a && k !== best.b);
    clusters.push([...A, ...B]);
  }
  return merges;
}

const key = (items: readonly number[]): string => [...items].sort((x, y) => x - y).join(",");

function describeMerges(merges: readonly Merge[], n: number): { sides: string[]; height: number }[] {
  return merges.map((m) => ({
    sides: [key(clusterItems(merges, n, m.left)), key(clusterItems(merges, n, m.right))].sort(),
    height: m.distance,
  }));
}

describe("singleLinkage", () => {
  it("joins points on a line as worked by hand, numbering clusters as SciPy does", () => {
    // Points 0, 1, 3, 7: {0,1} at 1 (cluster 4); {0,1}+{2} at min(3, 2) = 2 (cluster 5); then {3} at 7 − 3 = 4.
    expect(singleLinkage(line([0, 1, 3, 7]))).toEqual([
      { left: 0, right: 1, distance: 1, size: 2 },
      { left: 2, right: 4, distance: 2, size: 3 },
      { left: 3, right: 5, distance: 4, size: 4 },
    ]);
    // Two pairs far apart: {0,1} at 1, {2,3} at 2, joined at 8 − 1 = 7 (the closest members).
    expect(singleLinkage(line([0, 1, 8, 10]))).toEqual([
      { left: 0, right: 1, distance: 1, size: 2 },
      { left: 2, right: 3, distance: 2, size: 2 },
      { left: 4, right: 5, distance: 7, size: 4 },
    ]);
    expect(singleLinkage([[0]])).toEqual([]);
    expect(singleLinkage([])).toEqual([]);
  });

  it("agrees with the brute-force agglomeration on random point clouds", () => {
    const prng = Prng.fromSeed(2016);
    for (let trial = 0; trial < 100; trial += 1) {
      const n = 2 + prng.int(11);
      const points = Array.from({ length: n }, () => [prng.normal(), prng.normal(), prng.normal()]);
      const d = points.map((p) => points.map((q) => Math.hypot(...p.map((x, k) => x - (q[k] ?? 0)))));
      const merges = singleLinkage(d);
      expect(merges).toHaveLength(n - 1);
      expect(describeMerges(merges, n)).toEqual(bruteForceSingleLinkage(d));
      merges.forEach((m, k) => {
        expect(m.left).toBeLessThan(m.right);
        expect(m.right).toBeLessThan(n + k);
      });
    }
  });

  it("with tied distances, still gives the brute force's heights and cluster sizes", () => {
    // Equally spaced points: every gap is a tie; single linkage may join them in any order at height 1.
    const merges = singleLinkage(line([0, 1, 2, 3, 4]));
    expect(merges.map((m) => m.distance)).toEqual([1, 1, 1, 1]);
    expect(merges.at(-1)?.size).toBe(5);
    expect(bruteForceSingleLinkage(line([0, 1, 2, 3, 4])).map((m) => m.height)).toEqual([1, 1, 1, 1]);
  });

  it("refuses ragged, asymmetric, negative or non-finite distances", () => {
    expect(() => singleLinkage([[0, 1]])).toThrow(RangeError);
    expect(() =>
      singleLinkage([
        [0, 1],
        [2, 0],
      ]),
    ).toThrow(/symmetric/);
    expect(() =>
      singleLinkage([
        [0, -1],
        [-1, 0],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      singleLinkage([
        [0, Number.NaN],
        [Number.NaN, 0],
      ]),
    ).toThrow(RangeError);
  });
});

describe("clusterItems", () => {
  it("lists a cluster's items, left subtree first", () => {
    const merges = singleLinkage(line([0, 1, 3, 7]));
    expect(clusterItems(merges, 4, 6)).toEqual([3, 2, 0, 1]);
    expect(clusterItems(merges, 4, 2)).toEqual([2]);
    expect(() => clusterItems(merges, 4, 9)).toThrow(RangeError);
  });
});
