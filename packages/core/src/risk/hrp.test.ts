import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import {
  correlationDistance,
  euclideanDistanceOfColumns,
  hierarchicalRiskParity,
  inverseVarianceClusterVariance,
  quasiDiagonalOrder,
  recursiveBisection,
} from "./hrp";

/** Covariance from standard deviations and a correlation matrix. */
function covarianceOf(sd: readonly number[], rho: readonly (readonly number[])[]): number[][] {
  return rho.map((row, i) => row.map((r, j) => r * (sd[i] ?? 0) * (sd[j] ?? 0)));
}

/** A random positive-definite covariance: k-factor model plus idiosyncratic variance. */
function randomCovariance(prng: Prng, n: number): number[][] {
  const k = 1 + prng.int(3);
  const loadings = Array.from({ length: n }, () => Array.from({ length: k }, () => prng.normal(0, 0.02)));
  const idio = Array.from({ length: n }, () => 1e-4 * (0.2 + prng.next()));
  return loadings.map((a, i) =>
    loadings.map((b, j) => a.reduce((s, x, f) => s + x * (b[f] ?? 0), 0) + (i === j ? (idio[i] ?? 0) : 0)),
  );
}

const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

describe("hierarchicalRiskParity: cases worked by hand", () => {
  it("one asset takes everything", () => {
    expect(hierarchicalRiskParity([[0.04]]).weights).toEqual([1]);
  });

  it("two assets get inverse-variance weights whatever their correlation", () => {
    // σ² = 0.04 and 0.01: 1/σ² = 25 and 100, so 25/125 = 0.2 and 100/125 = 0.8. With two assets the only cut is
    // [a] | [b]: α = 1 − V₀/(V₀ + V₁) = V₁/(V₀ + V₁) = 0.01/0.05 = 0.2 — the correlation never enters.
    for (const rho of [-0.5, 0, 0.9]) {
      const { weights } = hierarchicalRiskParity(
        covarianceOf(
          [0.2, 0.1],
          [
            [1, rho],
            [rho, 1],
          ],
        ),
      );
      expect(weights[0]).toBeCloseTo(0.2, 15);
      expect(weights[1]).toBeCloseTo(0.8, 15);
    }
  });

  it("uncorrelated assets get exactly the inverse-variance portfolio, however the tree is cut", () => {
    // With a diagonal covariance a cluster's IVP variance is 1/Σ(1/σ²), so every cut splits the weight in
    // proportion to Σ(1/σ²) of each side: the product down the tree is (1/σᵢ²) / Σⱼ(1/σⱼ²).
    const variances = [0.01, 0.04, 0.0225, 0.09, 0.0016, 0.0049];
    const covariance = variances.map((v, i) => variances.map((_, j) => (i === j ? v : 0)));
    const ivp = variances.map((v) => 1 / v / sum(variances.map((u) => 1 / u)));
    for (const distance of ["correlation", "euclidean"] as const) {
      for (const orientation of ["canonical", "linkage"] as const) {
        const { weights } = hierarchicalRiskParity(covariance, { distance, orientation });
        weights.forEach((w, i) => {
          expect(w).toBeCloseTo(ivp[i] ?? 0, 15);
        });
      }
    }
  });

  it("three assets, every step on paper", () => {
    // A: σ² = .04, B: σ² = .09, C: σ² = .01; ρ_AB = .5, ρ_AC = .2, ρ_BC = .1.
    // Distances √((1−ρ)/2): d_AB = √.25 = .5, d_AC = √.4 = .632, d_BC = √.45 = .671.
    // Single linkage: {A,B} at .5 (cluster 3), then C at min(.632, .671) = .632 (cluster 4).
    // Order: at the root C (1 item) before {A,B} (2); inside, A (σ² .04) before B (.09): C, A, B.
    // Bisection of [C, A, B]: ⌊3/2⌋ = 1, so [C] | [A, B].
    //   V_C = .01. IVP of {A,B}: 1/.04 : 1/.09 = 25 : 11.1 = 9 : 4, cov_AB = .5·.2·.3 = .03:
    //   V_AB = (81·.04 + 16·.09 + 2·36·.03)/169 = (3.24 + 1.44 + 2.16)/169 = 6.84/169.
    //   α = V_AB/(V_C + V_AB) = 6.84/(1.69 + 6.84) = 684/853 → C; {A,B} gets 169/853.
    // Then [A] | [B]: α = .09/(.04 + .09) = 9/13: A = 169/853 · 9/13 = 117/853, B = 52/853.
    const covariance = covarianceOf(
      [0.2, 0.3, 0.1],
      [
        [1, 0.5, 0.2],
        [0.5, 1, 0.1],
        [0.2, 0.1, 1],
      ],
    );
    const result = hierarchicalRiskParity(covariance);
    expect(result.merges.map((m) => [m.left, m.right, m.size])).toEqual([
      [0, 1, 2],
      [2, 3, 3],
    ]);
    expect(result.merges[0]?.distance).toBeCloseTo(0.5, 15);
    expect(result.merges[1]?.distance).toBeCloseTo(Math.sqrt(0.4), 15);
    expect(result.order).toEqual([2, 0, 1]);
    expect(result.weights[0]).toBeCloseTo(117 / 853, 15);
    expect(result.weights[1]).toBeCloseTo(52 / 853, 15);
    expect(result.weights[2]).toBeCloseTo(684 / 853, 15);
    expect(inverseVarianceClusterVariance(covariance, [0, 1])).toBeCloseTo(6.84 / 169, 15);
  });

  it("a block-diagonal correlation: the blocks get weight inversely proportional to their variance", () => {
    // Block 1: A (σ .1), B (σ .2), ρ = .8; block 2: C, D (σ .1 each), ρ = .6; no correlation across blocks.
    // d_AB = √.1 = .316 < d_CD = √.2 = .447 < √.5 = .707 across: {A,B}, then {C,D}, then the root — the
    // two blocks are the two halves of the order, so the first cut separates them.
    //   V₁ (IVP .8/.2 of A, B; cov .016) = .64·.01 + .04·.04 + 2·.16·.016 = .0064 + .0016 + .00512 = .01312
    //   V₂ (IVP .5/.5 of C, D; cov .006) = .25·(.01 + .01 + .012) = .008
    //   block 1 gets V₂/(V₁ + V₂) = .008/.02112 = 25/66, block 2 gets 41/66: w₁V₁ = w₂V₂ — the equal
    //   (inverse-variance) split of risk between the clusters that HRP is built on.
    // Inside the blocks inverse variance: A 4/5 and B 1/5 of 25/66 = 10/33 and 5/66; C = D = 41/132.
    const covariance = covarianceOf(
      [0.1, 0.2, 0.1, 0.1],
      [
        [1, 0.8, 0, 0],
        [0.8, 1, 0, 0],
        [0, 0, 1, 0.6],
        [0, 0, 0.6, 1],
      ],
    );
    const { weights, order } = hierarchicalRiskParity(covariance);
    expect(order).toEqual([0, 1, 2, 3]);
    [10 / 33, 5 / 66, 41 / 132, 41 / 132].forEach((w, i) => {
      expect(weights[i]).toBeCloseTo(w, 15);
    });
    const v1 = inverseVarianceClusterVariance(covariance, [0, 1]);
    const v2 = inverseVarianceClusterVariance(covariance, [2, 3]);
    expect(v1).toBeCloseTo(0.01312, 15);
    expect(v2).toBeCloseTo(0.008, 15);
    expect(((weights[0] ?? 0) + (weights[1] ?? 0)) * v1).toBeCloseTo(((weights[2] ?? 0) + (weights[3] ?? 0)) * v2, 15);
  });

  it("seriation puts each cluster together; 'linkage' orientation can cut a cluster in two", () => {
    // Tree: {C,D} (ρ .9) first, E joins it (ρ_CE .8), then {A,B} (ρ .6), nothing across.
    const covariance = covarianceOf(
      [0.1, 0.2, 0.15, 0.15, 0.15],
      [
        [1, 0.6, 0, 0, 0],
        [0.6, 1, 0, 0, 0],
        [0, 0, 1, 0.9, 0.8],
        [0, 0, 0.9, 1, 0.7],
        [0, 0, 0.8, 0.7, 1],
      ],
    );
    const canonical = hierarchicalRiskParity(covariance);
    // The smaller cluster {A, B} first, then E before {C, D}: the first cut [A, B] | [E, C, D] follows the tree.
    expect(canonical.order).toEqual([0, 1, 4, 2, 3]);
    // SciPy's convention lists the older cluster {C, D, E} first: [E, C, D, A, B], whose cut [E, C] | [D, A, B]
    // splits C from D.
    expect(hierarchicalRiskParity(covariance, { orientation: "linkage" }).order).toEqual([4, 2, 3, 0, 1]);
    const w = canonical.weights;
    const first = inverseVarianceClusterVariance(covariance, [0, 1]);
    const second = inverseVarianceClusterVariance(covariance, [4, 2, 3]);
    expect(((w[0] ?? 0) + (w[1] ?? 0)) * first).toBeCloseTo(((w[2] ?? 0) + (w[3] ?? 0) + (w[4] ?? 0)) * second, 15);
  });
});

describe("hierarchicalRiskParity against López de Prado's published code", () => {
  // A 10-asset covariance defined by formula, so both sides build it the same way: Σ = BBᵀ + D with
  // B_ik = 0.1 · (1 if i mod 3 = k else 0.3 · sin(i + 2k + 1)), k = 0..2, and D_ii = 0.001 · (1 + i mod 4).
  // Reference values: the appendix code of "Building Diversified Portfolios that Outperform Out-of-Sample"
  // (getIVP, getClusterVar, getQuasiDiag, getRecBipart, correlDist) ported from pandas to NumPy with its
  // structure kept, run with NumPy 2.4.6 and SciPy 1.17.1:
  //   dist = ((1 - corr) / 2) ** 0.5
  //   "euclidean":   link = sch.linkage(dist, "single")        # the paper's code: rows of dist as vectors
  //   "correlation": link = sch.linkage(ssd.squareform(dist), "single")   # d itself (PyPortfolioOpt)
  //   order = getQuasiDiag(link); weights = getRecBipart(cov, order)
  const n = 10;
  const b = Array.from({ length: n }, (_, i) =>
    Array.from({ length: 3 }, (_, k) => 0.1 * (i % 3 === k ? 1 : 0.3 * Math.sin(i + 2 * k + 1))),
  );
  const covariance = b.map((x, i) =>
    b.map((y, j) => x.reduce((s, v, k) => s + v * (y[k] ?? 0), 0) + (i === j ? 0.001 * (1 + (i % 4)) : 0)),
  );
  const reference = {
    euclidean: {
      order: [5, 2, 8, 4, 1, 7, 0, 6, 3, 9],
      weights: [
        0.12067878047821905, 0.11066889988057944, 0.08989055379746211, 0.04106399209800476, 0.11837262918719497,
        0.09609757880054559, 0.07795492011406538, 0.09441842227918774, 0.2041381355403965, 0.04671608782434442,
      ],
      linkage: [
        [0, 6, 0.3985246235297922, 2],
        [2, 8, 0.39869842260225774, 2],
        [3, 9, 0.465874938451785, 2],
        [1, 7, 0.46611022105651095, 2],
        [4, 13, 0.6160500595056485, 3],
        [5, 11, 0.6265339000688387, 3],
        [10, 12, 0.6342287944215352, 4],
        [14, 16, 1.0548623285644219, 7],
        [15, 17, 1.0592201393047511, 10],
      ],
    },
    correlation: {
      order: [4, 1, 7, 0, 6, 3, 9, 5, 2, 8],
      weights: [
        0.08885450306531228, 0.11755037337129925, 0.06064969994414332, 0.10059338153046846, 0.1257331262252742,
        0.11949178873463498, 0.07489778016457174, 0.12811980968574668, 0.06967036548761443, 0.11443917179093469,
      ],
      linkage: [
        [0, 6, 0.27747280191412266, 2],
        [2, 8, 0.2784188262199612, 2],
        [3, 9, 0.32715450711888716, 2],
        [1, 7, 0.32729664468140046, 2],
        [4, 13, 0.36374707435577047, 3],
        [10, 12, 0.3691280607611634, 4],
        [5, 11, 0.3736143871872759, 3],
        [15, 16, 0.5600316250244983, 7],
        [14, 17, 0.5670574961907028, 10],
      ],
    },
  } as const;

  for (const distance of ["euclidean", "correlation"] as const) {
    it(`reproduces the reference linkage, order and weights (${distance} distance, SciPy orientation)`, () => {
      const expected = reference[distance];
      const result = hierarchicalRiskParity(covariance, { distance, orientation: "linkage" });
      expect(result.merges.map((m) => [m.left, m.right, m.size])).toEqual(
        expected.linkage.map((r) => [r[0], r[1], r[3]]),
      );
      result.merges.forEach((m, k) => {
        expect(m.distance).toBeCloseTo(expected.linkage[k]?.[2] ?? 0, 13);
      });
      expect(result.order).toEqual(expected.order);
      result.weights.forEach((w, i) => {
        expect(w).toBeCloseTo(expected.weights[i] ?? 0, 13);
      });
    });
  }
});

describe("hierarchicalRiskParity: properties on random covariances", () => {
  it("weights are non-negative, sum to 1, and each cut splits weight inversely to the halves' variances", () => {
    const prng = Prng.fromSeed(2016);
    for (let trial = 0; trial < 200; trial += 1) {
      const n = 1 + prng.int(25);
      const covariance = randomCovariance(prng, n);
      for (const distance of ["correlation", "euclidean"] as const) {
        const { weights, order } = hierarchicalRiskParity(covariance, { distance });
        for (const w of weights) expect(w).toBeGreaterThanOrEqual(0);
        expect(sum(weights)).toBeCloseTo(1, 13);
        expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        if (n >= 2) {
          const half = Math.floor(n / 2);
          const first = order.slice(0, half);
          const second = order.slice(half);
          const w0 = sum(first.map((i) => weights[i] ?? 0));
          const w1 = sum(second.map((i) => weights[i] ?? 0));
          expect(w0 * inverseVarianceClusterVariance(covariance, first)).toBeCloseTo(
            w1 * inverseVarianceClusterVariance(covariance, second),
            15,
          );
        }
      }
    }
  });

  it("relabelling the assets relabels the weights and nothing else (canonical orientation)", () => {
    const prng = Prng.fromSeed(1605);
    for (let trial = 0; trial < 200; trial += 1) {
      const n = 2 + prng.int(20);
      const covariance = randomCovariance(prng, n);
      // A random permutation (Fisher–Yates): new asset k is old asset perm[k].
      const perm = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i -= 1) {
        const j = prng.int(i + 1);
        [perm[i], perm[j]] = [perm[j] ?? 0, perm[i] ?? 0];
      }
      const permuted = perm.map((a) => perm.map((c) => covariance[a]?.[c] ?? 0));
      for (const distance of ["correlation", "euclidean"] as const) {
        const original = hierarchicalRiskParity(covariance, { distance });
        const relabelled = hierarchicalRiskParity(permuted, { distance });
        perm.forEach((old, k) => {
          expect(relabelled.weights[k]).toBeCloseTo(original.weights[old] ?? 0, 13);
        });
        expect(relabelled.order.map((k) => perm[k])).toEqual(original.order);
      }
    }
  });
});

describe("hierarchicalRiskParity: building blocks and refusals", () => {
  it("correlation distance and the Euclidean distance of its columns, by hand", () => {
    // ρ = 1, 0, −1 → √0 = 0, √.5, √1 = 1.
    const d = correlationDistance([
      [1, 0, -1],
      [0, 1, 0],
      [-1, 0, 1],
    ]);
    expect(d[0]).toEqual([0, Math.sqrt(0.5), 1]);
    // Columns 0 = (0, √.5, 1) and 2 = (1, √.5, 0): distance √(1 + 0 + 1) = √2.
    expect(euclideanDistanceOfColumns(d)[0]?.[2]).toBeCloseTo(Math.SQRT2, 15);
    expect(euclideanDistanceOfColumns(d)[2]?.[2]).toBe(0);
  });

  it("recursive bisection on a given order, and the quasi-diagonal order's bookkeeping", () => {
    // Diagonal covariance, order [1, 0]: still inverse variance.
    expect(
      recursiveBisection(
        [
          [1, 0],
          [0, 3],
        ],
        [1, 0],
      ),
    ).toEqual([0.75, 0.25]);
    expect(quasiDiagonalOrder([], [])).toEqual([]);
    expect(() => quasiDiagonalOrder([], [1, 2])).toThrow(RangeError);
  });

  it("refuses a zero variance and a covariance that is not positive semi-definite", () => {
    expect(() =>
      hierarchicalRiskParity([
        [0, 0],
        [0, 1],
      ]),
    ).toThrow(/variance 0/);
    // Six assets all at ρ = −0.9 (a correlation matrix needs ρ ≥ −1/5 here): any half of three has IVP
    // variance (3 − 6 · 0.9)/9 < 0.
    const impossible = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === j ? 1 : -0.9)));
    expect(() => hierarchicalRiskParity(impossible)).toThrow(/positive semi-definite/);
  });
});
