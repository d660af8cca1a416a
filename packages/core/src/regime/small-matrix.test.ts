import { describe, expect, it } from "vitest";
import { mulberry32 } from "./regime-test-support";
import { cholesky, floorCovariance, symmetricEigen } from "./small-matrix";

/** −½(ln|Σ| + tr(Σ⁻¹S)) for 2x2 matrices, by the explicit determinant and inverse. */
function gaussianObjective(sigma: number[][], sample: number[][]): number {
  const [[a = 0, b = 0] = [], [, c = 0] = []] = sigma;
  const [[s11 = 0, s12 = 0] = [], [s21 = 0, s22 = 0] = []] = sample;
  const det = a * c - b * b;
  const trace = (c * s11 - b * s21 - b * s12 + a * s22) / det;
  return -0.5 * (Math.log(det) + trace);
}

describe("cholesky", () => {
  it("factors a hand-worked 2x2 matrix", () => {
    // [[4, 2], [2, 3]] = L·Lᵀ with L = [[2, 0], [1, √2]].
    const l = cholesky([
      [4, 2],
      [2, 3],
    ]);
    expect(l).not.toBeNull();
    expect(l?.[0]?.[0]).toBeCloseTo(2, 15);
    expect(l?.[0]?.[1]).toBe(0);
    expect(l?.[1]?.[0]).toBeCloseTo(1, 15);
    expect(l?.[1]?.[1]).toBeCloseTo(Math.SQRT2, 15);
  });

  it("returns null for matrices that are not positive definite", () => {
    expect(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
    expect(
      cholesky([
        [1, 1],
        [1, 1],
      ]),
    ).toBeNull();
    expect(cholesky([[Number.NaN]])).toBeNull();
  });
});

describe("symmetricEigen", () => {
  it("matches the closed form of [[2, 1], [1, 2]]: eigenvalues 1 and 3", () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    const order = (values[0] ?? 0) < (values[1] ?? 0) ? [0, 1] : [1, 0];
    expect(values[order[0] ?? 0]).toBeCloseTo(1, 14);
    expect(values[order[1] ?? 0]).toBeCloseTo(3, 14);
    // Eigenvector of 3 is ±(1, 1)/√2.
    const v3 = [vectors[0]?.[order[1] ?? 0] ?? 0, vectors[1]?.[order[1] ?? 0] ?? 0];
    expect(Math.abs(v3[0] ?? 0)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(v3[0]).toBeCloseTo(v3[1] ?? 0, 14);
  });

  it("matches the known spectrum 2 − √2, 2, 2 + √2 of the 3x3 second-difference matrix", () => {
    const { values } = symmetricEigen([
      [2, -1, 0],
      [-1, 2, -1],
      [0, -1, 2],
    ]);
    const sorted = [...values].sort((a, b) => a - b);
    expect(sorted[0]).toBeCloseTo(2 - Math.SQRT2, 14);
    expect(sorted[1]).toBeCloseTo(2, 14);
    expect(sorted[2]).toBeCloseTo(2 + Math.SQRT2, 14);
  });

  it("reconstructs random symmetric matrices with orthonormal eigenvectors", () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + (trial % 3);
      const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const value = random() * 10 - 5;
          (a[i] ?? [])[j] = value;
          (a[j] ?? [])[i] = value;
        }
      }
      const { values, vectors } = symmetricEigen(a);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let rebuilt = 0;
          let gram = 0;
          for (let m = 0; m < n; m++) {
            rebuilt += (vectors[i]?.[m] ?? 0) * (values[m] ?? 0) * (vectors[j]?.[m] ?? 0);
            gram += (vectors[m]?.[i] ?? 0) * (vectors[m]?.[j] ?? 0);
          }
          expect(rebuilt).toBeCloseTo(a[i]?.[j] ?? 0, 12);
          expect(gram).toBeCloseTo(i === j ? 1 : 0, 12);
        }
      }
    }
  });
});

describe("floorCovariance", () => {
  it("raises only the eigenvalues below the floor (hand-worked, axis-aligned)", () => {
    const out = floorCovariance(
      [
        [4, 0],
        [0, 0.01],
      ],
      [1, 1],
      0.1,
    );
    expect(out[0]?.[0]).toBeCloseTo(4, 14);
    expect(out[1]?.[1]).toBeCloseTo(0.1, 14);
    expect(out[0]?.[1]).toBeCloseTo(0, 14);
  });

  it("measures the floor in units of each dimension's scale", () => {
    // Standardised by scale (2, 0.1): diag(4, 1e-4) becomes diag(1, 0.01); floored to diag(1, 0.1);
    // back in data units diag(4, 0.1·0.01) = diag(4, 0.001).
    const out = floorCovariance(
      [
        [4, 0],
        [0, 1e-4],
      ],
      [2, 0.1],
      0.1,
    );
    expect(out[0]?.[0]).toBeCloseTo(4, 13);
    expect(out[1]?.[1]).toBeCloseTo(0.001, 16);
  });

  it("clips in the eigenbasis: a rank-one matrix along (1, 1) (hand-worked)", () => {
    // R·diag(4, 0)·Rᵀ with R the 45° rotation is [[2, 2], [2, 2]]; floor 1 gives R·diag(4, 1)·Rᵀ
    // = [[2.5, 1.5], [1.5, 2.5]].
    const out = floorCovariance(
      [
        [2, 2],
        [2, 2],
      ],
      [1, 1],
      1,
    );
    expect(out[0]?.[0]).toBeCloseTo(2.5, 13);
    expect(out[0]?.[1]).toBeCloseTo(1.5, 13);
    expect(out[1]?.[0]).toBe(out[0]?.[1]);
    expect(out[1]?.[1]).toBeCloseTo(2.5, 13);
  });

  it("is the constrained maximiser: no feasible covariance scores higher", () => {
    const random = mulberry32(5);
    const floor = 0.5;
    const sample = [
      [2, 1.9],
      [1.9, 2],
    ]; // eigenvalues 3.9 and 0.1: the small one violates the floor
    const best = floorCovariance(sample, [1, 1], floor);
    const bestScore = gaussianObjective(best, sample);
    for (let trial = 0; trial < 2000; trial++) {
      // A random feasible covariance: random rotation, eigenvalues at or above the floor.
      const angle = random() * Math.PI;
      const l1 = floor + random() * 5;
      const l2 = floor + random() * 5;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const candidate = [
        [l1 * c * c + l2 * s * s, (l1 - l2) * c * s],
        [(l1 - l2) * c * s, l1 * s * s + l2 * c * c],
      ];
      expect(gaussianObjective(candidate, sample)).toBeLessThanOrEqual(bestScore + 1e-12);
    }
  });
});
