import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { matmulTransposedInto, transposeInto } from "./matmul";

describe("matmulTransposedInto", () => {
  // A is 3 × 3, B is 5 × 3: one 2 × 4 block, a column tail (q = 4) and a row tail (p = 2).
  const a = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const b = Float64Array.from([1, 0, -1, 2, 1, 0, 0, 0, 1, 1, 1, 1, 3, -1, 2]);

  it("computes A·Bᵀ, worked by hand", () => {
    const out = new Float64Array(15);
    matmulTransposedInto(a, b, 3, 5, 3, null, out);
    expect(Array.from(out)).toEqual([-2, 4, 3, 6, 7, -2, 13, 6, 15, 19, -2, 22, 9, 24, 31]);
  });

  it("adds the bias to every row", () => {
    const out = new Float64Array(15);
    matmulTransposedInto(a, b, 3, 5, 3, Float64Array.from([10, 20, 30, 40, 50]), out);
    expect(Array.from(out)).toEqual([8, 24, 33, 46, 57, 8, 33, 36, 55, 69, 8, 42, 39, 64, 81]);
  });

  it("agrees with the plain triple loop on every shape up to 9 × 9 × 9", () => {
    const prng = Prng.fromSeed(3);
    for (let m = 1; m <= 9; m++) {
      for (let n = 1; n <= 9; n++) {
        for (const k of [1, 2, 5, 9]) {
          const x = Float64Array.from({ length: m * k }, () => prng.next() - 0.5);
          const y = Float64Array.from({ length: n * k }, () => prng.next() - 0.5);
          const bias = Float64Array.from({ length: n }, () => prng.next());
          const out = new Float64Array(m * n);
          matmulTransposedInto(x, y, m, n, k, bias, out);
          for (let p = 0; p < m; p++) {
            for (let q = 0; q < n; q++) {
              let s = bias[q] as number;
              for (let t = 0; t < k; t++) s += (x[p * k + t] as number) * (y[q * k + t] as number);
              expect(out[p * n + q]).toBeCloseTo(s, 14);
            }
          }
        }
      }
    }
  });
});

describe("transposeInto", () => {
  it("turns a 2 × 3 matrix into its 3 × 2 transpose", () => {
    const out = new Float64Array(6);
    transposeInto(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3, out);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
