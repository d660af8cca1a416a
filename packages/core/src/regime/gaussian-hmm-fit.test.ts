import { describe, expect, it } from "vitest";
import { baumWelchStep, type GaussianHmmParams } from "./gaussian-hmm";
import { fitGaussianHmm } from "./gaussian-hmm-fit";
import { stationaryDistribution } from "./markov-chain";
import { mulberry32, normalSampler, referenceRegimeModel, sampleHmm } from "./regime-test-support";
import { symmetricEigen } from "./small-matrix";

const permutations3 = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** The fitted state matching each true state: the permutation with the closest standardised means. */
function matchStates(fitted: GaussianHmmParams, truth: GaussianHmmParams): number[] {
  let best = permutations3[0] ?? [];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const permutation of permutations3) {
    let distance = 0;
    permutation.forEach((f, t) => {
      for (let m = 0; m < 2; m++) {
        const sd = Math.sqrt(truth.covariances[t]?.[m]?.[m] ?? 1);
        distance += (((fitted.means[f]?.[m] ?? 0) - (truth.means[t]?.[m] ?? 0)) / sd) ** 2;
      }
    });
    if (distance < bestDistance) {
      bestDistance = distance;
      best = permutation;
    }
  }
  return best;
}

/** EM from the true parameters until it stops gaining: the optimum a fit should reach. */
function emFromTruth(truth: GaussianHmmParams, observations: number[][]): number {
  let params = truth;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const step = baumWelchStep(params, [observations]);
    if (step.logLikelihood - previous < 1e-9 * observations.length) return step.logLikelihood;
    previous = step.logLikelihood;
    params = step.params;
  }
  return previous;
}

describe("fitGaussianHmm: Baum-Welch recovers a known 3-state model", () => {
  const length = 20_000;
  const { observations } = sampleHmm(referenceRegimeModel, length, mulberry32(2024));
  const fit = fitGaussianHmm([observations], { states: 3, random: mulberry32(7) });
  const match = matchStates(fit.params, referenceRegimeModel);
  const share = stationaryDistribution(referenceRegimeModel.transition);

  it("converges", () => {
    expect(fit.converged).toBe(true);
    expect(fit.observations).toBe(length);
    expect(fit.starts.length).toBe(4);
  });

  it("recovers the means within 5 standard errors (σ/√n of each state)", () => {
    match.forEach((f, t) => {
      const n = length * (share[t] ?? 0);
      for (let m = 0; m < 2; m++) {
        const sd = Math.sqrt(referenceRegimeModel.covariances[t]?.[m]?.[m] ?? 0);
        const error = Math.abs((fit.params.means[f]?.[m] ?? 0) - (referenceRegimeModel.means[t]?.[m] ?? 0));
        expect(error).toBeLessThan((5 * sd) / Math.sqrt(n));
      }
    });
  });

  it("recovers the transition matrix within 0.01", () => {
    match.forEach((f, t) => {
      match.forEach((g, u) => {
        const fitted = fit.params.transition[f]?.[g] ?? Number.NaN;
        expect(Math.abs(fitted - (referenceRegimeModel.transition[t]?.[u] ?? 0))).toBeLessThan(0.01);
      });
    });
  });

  it("recovers the variances within 10% and the correlations within 0.1", () => {
    match.forEach((f, t) => {
      const fitted = fit.params.covariances[f] ?? [];
      const truth = referenceRegimeModel.covariances[t] ?? [];
      for (let m = 0; m < 2; m++) {
        expect((fitted[m]?.[m] ?? 0) / (truth[m]?.[m] ?? 1)).toBeGreaterThan(0.9);
        expect((fitted[m]?.[m] ?? 0) / (truth[m]?.[m] ?? 1)).toBeLessThan(1.1);
      }
      const correlation = (c: ReadonlyArray<ReadonlyArray<number>>): number =>
        (c[0]?.[1] ?? 0) / Math.sqrt((c[0]?.[0] ?? 0) * (c[1]?.[1] ?? 0));
      expect(Math.abs(correlation(fitted) - correlation(truth))).toBeLessThan(0.1);
    });
  });

  it("reaches the likelihood of EM started from the true parameters", () => {
    expect(fit.logLikelihood).toBeGreaterThan(emFromTruth(referenceRegimeModel, observations) - 1e-6 * length);
  });

  it("is deterministic for a given seed", () => {
    const again = fitGaussianHmm([observations.slice(0, 3000)], { states: 3, random: mulberry32(99) });
    const twice = fitGaussianHmm([observations.slice(0, 3000)], { states: 3, random: mulberry32(99) });
    expect(twice.params).toEqual(again.params);
    expect(twice.logLikelihood).toBe(again.logLikelihood);
  });
});

describe("fitGaussianHmm at scale", () => {
  it("fits 100k observations to the optimum EM reaches from the true parameters", () => {
    const { observations } = sampleHmm(referenceRegimeModel, 100_000, mulberry32(100));
    const fit = fitGaussianHmm([observations], { states: 3, random: mulberry32(1) });
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThan(emFromTruth(referenceRegimeModel, observations) - 1e-6 * 100_000);
    const match = matchStates(fit.params, referenceRegimeModel);
    match.forEach((f, t) => {
      expect(
        Math.abs((fit.params.transition[f]?.[f] ?? 0) - (referenceRegimeModel.transition[t]?.[t] ?? 0)),
      ).toBeLessThan(0.005);
    });
  });
});

describe("fitGaussianHmm: location-separated states", () => {
  it("finds three clusters that differ only in their means", () => {
    const truth: GaussianHmmParams = {
      initial: [1 / 3, 1 / 3, 1 / 3],
      transition: [
        [0.9, 0.05, 0.05],
        [0.05, 0.9, 0.05],
        [0.05, 0.05, 0.9],
      ],
      means: [
        [-4, 0],
        [0, 4],
        [4, 0],
      ],
      covariances: [0, 1, 2].map(() => [
        [1, 0],
        [0, 1],
      ]),
    };
    const { observations } = sampleHmm(truth, 5000, mulberry32(8));
    const fit = fitGaussianHmm([observations], { states: 3, random: mulberry32(1) });
    const match = matchStates(fit.params, truth);
    match.forEach((f, t) => {
      expect(fit.params.means[f]?.[0]).toBeCloseTo(truth.means[t]?.[0] ?? Number.NaN, 1);
      expect(fit.params.means[f]?.[1]).toBeCloseTo(truth.means[t]?.[1] ?? Number.NaN, 1);
      expect(Math.abs((fit.params.transition[f]?.[f] ?? 0) - 0.9)).toBeLessThan(0.02);
    });
  });
});

describe("EM never lowers the log-likelihood", () => {
  /** Heavy-tailed (Student-t, 3 d.o.f.) returns with volatility clustering: a misspecified model. */
  function heavyTailed(length: number, seed: number): number[][] {
    const random = mulberry32(seed);
    const normal = normalSampler(random);
    const out: number[][] = [];
    let volatility = 0.01;
    for (let t = 0; t < length; t++) {
      if (random() < 0.02) volatility = [0.005, 0.01, 0.03][Math.floor(random() * 3)] ?? 0.01;
      const chi2 = normal() ** 2 + normal() ** 2 + normal() ** 2;
      const r = (volatility * normal()) / Math.sqrt(chi2 / 3);
      out.push([r, volatility * (1 + 0.1 * normal())]);
    }
    return out;
  }

  it.each([0, 1e-3, 1e-1])("across 150 Baum-Welch iterations with covariance floor %s", (covarianceFloor) => {
    const observations = heavyTailed(4000, 17);
    let params: GaussianHmmParams = {
      initial: [0.2, 0.3, 0.5],
      transition: [
        [0.5, 0.25, 0.25],
        [0.25, 0.5, 0.25],
        [0.25, 0.25, 0.5],
      ],
      means: [
        [0.01, 0.01],
        [-0.01, 0.02],
        [0, 0.005],
      ],
      covariances: [0, 1, 2].map(() => [
        [1e-3, 0],
        [0, 1e-4],
      ]),
    };
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 150; i++) {
      const step = baumWelchStep(params, [observations], { covarianceFloor });
      expect(step.logLikelihood).toBeGreaterThanOrEqual(previous - 1e-9 * Math.abs(previous));
      previous = step.logLikelihood;
      params = step.params;
    }
  });

  it("in the trace of a full fit, screening included", () => {
    const fit = fitGaussianHmm([heavyTailed(6000, 5)], { states: 3, random: mulberry32(3), tolerance: 1e-9 });
    expect(fit.trace.length).toBe(fit.iterations + 1);
    expect(fit.iterations).toBeGreaterThan(10);
    fit.trace.forEach((value, i) => {
      if (i > 0) expect(value).toBeGreaterThanOrEqual((fit.trace[i - 1] ?? 0) - 1e-9 * Math.abs(value));
    });
    expect(fit.trace.at(-1)).toBe(fit.logLikelihood);
  });
});

describe("covariance floor", () => {
  it("keeps a state from collapsing onto repeated identical observations", () => {
    const random = mulberry32(4);
    const normal = normalSampler(random);
    const observations: number[][] = [];
    for (let t = 0; t < 3000; t++) {
      // Stretches of a stuck feed (exactly repeated values) between noisy stretches.
      observations.push(Math.floor(t / 100) % 3 === 0 ? [0.5, 0.25] : [normal(), 2 + normal()]);
    }
    const floor = 1e-3;
    const fit = fitGaussianHmm([observations], { states: 3, random: mulberry32(2), covarianceFloor: floor });
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    const n = observations.length;
    const sd = [0, 1].map((m) => {
      const mean = observations.reduce((sum, x) => sum + (x[m] ?? 0), 0) / n;
      return Math.sqrt(observations.reduce((sum, x) => sum + ((x[m] ?? 0) - mean) ** 2, 0) / n);
    });
    const smallest = fit.params.covariances.map((cov) => {
      const standardised = cov.map((row, a) => row.map((value, b) => value / ((sd[a] ?? 1) * (sd[b] ?? 1))));
      return Math.min(...symmetricEigen(standardised).values);
    });
    for (const value of smallest) expect(value).toBeGreaterThanOrEqual(floor * (1 - 1e-9));
    // The stuck-feed state sits exactly on the floor: without it, its variance would go to 0.
    expect(Math.min(...smallest)).toBeCloseTo(floor, 12);
  });
});

describe("several sequences", () => {
  it("counts no transition between the end of one sequence and the start of the next", () => {
    const random = mulberry32(12);
    const normal = normalSampler(random);
    // 200 short sequences, each entirely in one of two far-apart states, alternating.
    const sequences = Array.from({ length: 200 }, (_, s) =>
      Array.from({ length: 10 }, () => [(s % 2 === 0 ? -5 : 5) + normal(), normal()]),
    );
    const separate = fitGaussianHmm(sequences, { states: 2, random: mulberry32(1) });
    for (let i = 0; i < 2; i++) expect(separate.params.transition[i]?.[i]).toBeGreaterThan(0.999);
    expect(separate.sequences).toBe(200);
    // Joined into one series, every boundary is a switch: 1 in 10 steps.
    const joined = fitGaussianHmm([sequences.flat()], { states: 2, random: mulberry32(1) });
    for (let i = 0; i < 2; i++) expect(joined.params.transition[i]?.[i]).toBeCloseTo(0.9, 2);
  });
});

describe("options", () => {
  const observations = sampleHmm(referenceRegimeModel, 200, mulberry32(1)).observations;

  it("rejects a generator that leaves [0, 1)", () => {
    expect(() => fitGaussianHmm([observations], { states: 3, random: () => 1 })).toThrow(RangeError);
  });

  it("rejects bad settings", () => {
    expect(() => fitGaussianHmm([observations], { states: 0, random: mulberry32(1) })).toThrow();
    expect(() => fitGaussianHmm([observations], { states: 3, random: mulberry32(1), covarianceFloor: -1 })).toThrow();
    expect(() => fitGaussianHmm([], { states: 3, random: mulberry32(1) })).toThrow(RangeError);
    expect(() => fitGaussianHmm([[[0, 0]]], { states: 3, random: mulberry32(1) })).toThrow(RangeError);
  });

  it("rejects NaN and infinite observations", () => {
    const bad = observations.map((x, t) => (t === 50 ? [Number.NaN, x[1] ?? 0] : x));
    expect(() => fitGaussianHmm([bad], { states: 3, random: mulberry32(1) })).toThrow(RangeError);
    const infinite = observations.map((x, t) => (t === 9 ? [x[0] ?? 0, Number.POSITIVE_INFINITY] : x));
    expect(() => fitGaussianHmm([infinite], { states: 3, random: mulberry32(1) })).toThrow(RangeError);
  });
});
