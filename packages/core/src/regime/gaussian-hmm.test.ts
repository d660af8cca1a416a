import { describe, expect, it } from "vitest";
import {
  baumWelchStep,
  emissionLogDensity,
  type GaussianHmmParams,
  gaussianHmmParamsSchema,
  hmmForward,
  smoothOffline,
} from "./gaussian-hmm";
import {
  bivariateNormalLogDensity,
  bruteForce,
  logSpaceForwardBackward,
  mulberry32,
  referenceRegimeModel,
  sampleHmm,
} from "./regime-test-support";

const threeStates: GaussianHmmParams = {
  initial: [0.5, 0.3, 0.2],
  transition: [
    [0.7, 0.2, 0.1],
    [0.25, 0.5, 0.25],
    [0.1, 0.3, 0.6],
  ],
  means: [
    [1, 0.5],
    [-1, 2],
    [0, -0.5],
  ],
  covariances: [
    [
      [1, 0.3],
      [0.3, 0.5],
    ],
    [
      [2, -0.4],
      [-0.4, 1],
    ],
    [
      [0.5, 0],
      [0, 0.8],
    ],
  ],
};

const twoStates: GaussianHmmParams = {
  initial: [0.6, 0.4],
  transition: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  means: [
    [0, 0],
    [2, 1],
  ],
  covariances: [
    [
      [1, 0.5],
      [0.5, 1],
    ],
    [
      [0.7, -0.2],
      [-0.2, 1.5],
    ],
  ],
};

const sequence5 = [
  [0.9, 0.2],
  [-0.5, 1.7],
  [0.1, -0.3],
  [1.4, 0.9],
  [-1.2, 2.4],
];

function expectRowsClose(actual: number[][], expected: number[][], digits: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, t) => {
    row.forEach((value, j) => {
      expect(value).toBeCloseTo(expected[t]?.[j] ?? Number.NaN, digits);
    });
  });
}

describe("emissionLogDensity", () => {
  it("is −ln 2π for a standard bivariate normal at its mean (closed form)", () => {
    const standard: GaussianHmmParams = {
      initial: [1],
      transition: [[1]],
      means: [[0, 0]],
      covariances: [
        [
          [1, 0],
          [0, 1],
        ],
      ],
    };
    expect(emissionLogDensity(standard, 0, [0, 0])).toBeCloseTo(-Math.log(2 * Math.PI), 14);
    // One unit away along an axis costs exactly ½ nat.
    expect(emissionLogDensity(standard, 0, [1, 0])).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5, 14);
  });

  it("matches the explicit 2x2 inverse-and-determinant formula for correlated states", () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 200; trial++) {
      const x = [random() * 6 - 3, random() * 6 - 3];
      for (let state = 0; state < 3; state++) {
        expect(emissionLogDensity(threeStates, state, x)).toBeCloseTo(
          bivariateNormalLogDensity(x, threeStates, state),
          12,
        );
      }
    }
  });
});

describe("hmmForward against brute-force enumeration of every state path", () => {
  it("K = 3, T = 5: filtered probabilities at each step and the likelihood", () => {
    const reference = bruteForce(threeStates, sequence5);
    const result = hmmForward(threeStates, sequence5);
    expectRowsClose(result.filtered, reference.filtered, 13);
    expect(result.logLikelihood).toBeCloseTo(Math.log(reference.likelihood), 12);
  });

  it("K = 2, T = 6", () => {
    const observations = [...sequence5, [2.2, 0.4]];
    const reference = bruteForce(twoStates, observations);
    const result = hmmForward(twoStates, observations);
    expectRowsClose(result.filtered, reference.filtered, 13);
    expect(result.logLikelihood).toBeCloseTo(Math.log(reference.likelihood), 12);
  });

  it("uses an overriding initial distribution when given", () => {
    const initial = [0.1, 0.1, 0.8];
    const reference = bruteForce(threeStates, sequence5.slice(0, 4), initial);
    const result = hmmForward(threeStates, sequence5.slice(0, 4), { initial });
    expectRowsClose(result.filtered, reference.filtered, 13);
    expect(result.logLikelihood).toBeCloseTo(Math.log(reference.likelihood), 12);
  });

  it("T = 1 is Bayes' rule: π_j·b_j(x) normalised (hand-assembled)", () => {
    const x = [0.3, 0.1];
    const joint = [0, 1, 2].map(
      (s) => (threeStates.initial[s] ?? 0) * Math.exp(bivariateNormalLogDensity(x, threeStates, s)),
    );
    const total = joint.reduce((a, b) => a + b, 0);
    const result = hmmForward(threeStates, [x]);
    joint.forEach((value, s) => {
      expect(result.filtered[0]?.[s]).toBeCloseTo(value / total, 14);
    });
    expect(result.logLikelihood).toBeCloseTo(Math.log(total), 14);
  });
});

describe("smoothOffline against brute force", () => {
  it("K = 3, T = 5: P(s_t | all observations)", () => {
    const reference = bruteForce(threeStates, sequence5);
    const result = smoothOffline(threeStates, sequence5);
    expectRowsClose(result.smoothed, reference.smoothed, 13);
    expect(result.logLikelihood).toBeCloseTo(Math.log(reference.likelihood), 12);
  });
});

describe("numerical stability (reference: a plain log-space forward-backward)", () => {
  it("stays exact on a long sequence where unscaled probabilities underflow", () => {
    const { observations } = sampleHmm(referenceRegimeModel, 20_000, mulberry32(21));
    const reference = logSpaceForwardBackward(referenceRegimeModel, observations);
    // The unscaled likelihood would be e^(+1.6e5): far beyond double range.
    expect(Math.abs(reference.logLikelihood)).toBeGreaterThan(1000);
    const forward = hmmForward(referenceRegimeModel, observations);
    const smooth = smoothOffline(referenceRegimeModel, observations);
    expect(forward.logLikelihood / reference.logLikelihood).toBeCloseTo(1, 12);
    for (let t = 0; t < observations.length; t += 97) {
      for (let j = 0; j < 3; j++) {
        expect(forward.filtered[t]?.[j]).toBeCloseTo(reference.filtered[t]?.[j] ?? Number.NaN, 9);
        expect(smooth.smoothed[t]?.[j]).toBeCloseTo(reference.smoothed[t]?.[j] ?? Number.NaN, 9);
      }
    }
  });

  it("handles an outlier that only an almost-unreachable state explains", () => {
    // State 0 is tight, state 1 wide; leaving state 0 has probability 1e-300. The outlier's
    // density under state 0 is e^(−5e5): far below the smallest double.
    const model: GaussianHmmParams = {
      initial: [1, 0],
      transition: [
        [1, 1e-300],
        [0.5, 0.5],
      ],
      means: [
        [0, 0],
        [0, 0],
      ],
      covariances: [
        [
          [1e-4, 0],
          [0, 1e-4],
        ],
        [
          [1, 0],
          [0, 1],
        ],
      ],
    };
    const observations = [
      [0.001, -0.002],
      [0.003, 0.001],
      [10, 0],
      [0.5, 0.2],
      [0.001, 0.002],
    ];
    const reference = logSpaceForwardBackward(model, observations);
    const forward = hmmForward(model, observations);
    const smooth = smoothOffline(model, observations);
    expect(forward.logLikelihood).toBeCloseTo(reference.logLikelihood, 9);
    expectRowsClose(forward.filtered, reference.filtered, 12);
    expectRowsClose(smooth.smoothed, reference.smoothed, 12);
    // At the outlier the filter must have switched to the wide state.
    expect(forward.filtered[2]?.[1]).toBeCloseTo(1, 12);
    for (const row of [...forward.filtered, ...smooth.smoothed]) {
      expect(row.every(Number.isFinite)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    }
  });

  it("redoes a step in log space when the scaled sums underflow to zero", () => {
    // State 1 explains the outlier best but cannot be reached (zero prior, zero transition into
    // it), and state 0's density there, e^(−5e5), is zero in double precision: the linear-space
    // sum is exactly 0, so only the log-space path gives the right (finite) answer.
    const model: GaussianHmmParams = {
      initial: [0.5, 0, 0.5],
      transition: [
        [0.6, 0, 0.4],
        [0.3, 0.4, 0.3],
        [0.5, 0, 0.5],
      ],
      means: [
        [0, 0],
        [10, 0],
        [0, 0.01],
      ],
      covariances: [
        [
          [1e-4, 0],
          [0, 1e-4],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        [
          [2e-4, 0],
          [0, 1e-4],
        ],
      ],
    };
    const observations = [
      [0.001, -0.002],
      [10, 0],
      [0.002, 0.004],
      [0.001, 0.003],
    ];
    const reference = logSpaceForwardBackward(model, observations);
    expect(Number.isFinite(reference.logLikelihood)).toBe(true);
    const forward = hmmForward(model, observations);
    const smooth = smoothOffline(model, observations);
    expect(forward.logLikelihood / reference.logLikelihood).toBeCloseTo(1, 12);
    // The reference carries unnormalised logs near −5e5, whose spacing is ~1e-10: compare to 1e-9.
    expectRowsClose(forward.filtered, reference.filtered, 9);
    expectRowsClose(smooth.smoothed, reference.smoothed, 9);
    // The wider of the two reachable states takes the outlier.
    expect(forward.filtered[1]?.[2]).toBeGreaterThan(0.99);
  });
});

describe("baumWelchStep against a brute-force E-step", () => {
  it("re-estimates every parameter as the closed-form M-step of the enumerated posteriors", () => {
    const sequences = [sequence5, [...sequence5.slice(0, 3).reverse(), [0.4, 0.4]]];
    const posteriors = sequences.map((sequence) => bruteForce(threeStates, sequence));
    const { params, logLikelihood } = baumWelchStep(threeStates, sequences, { covarianceFloor: 0 });

    const expectedLogLikelihood = posteriors.reduce((sum, p) => sum + Math.log(p.likelihood), 0);
    expect(logLikelihood).toBeCloseTo(expectedLogLikelihood, 12);

    for (let i = 0; i < 3; i++) {
      // π_i: average over sequences of P(s_1 = i | sequence).
      const pi = posteriors.reduce((sum, p) => sum + (p.smoothed[0]?.[i] ?? 0), 0) / sequences.length;
      expect(params.initial[i]).toBeCloseTo(pi, 13);
      // A_ij = Σ ξ(i, j) / Σ_j ξ(i, j), pooled over sequences (no transition between them).
      const xiRow = [0, 1, 2].map((j) => posteriors.reduce((sum, p) => sum + (p.xi[i]?.[j] ?? 0), 0));
      const rowTotal = xiRow.reduce((a, b) => a + b, 0);
      xiRow.forEach((value, j) => {
        expect(params.transition[i]?.[j]).toBeCloseTo(value / rowTotal, 13);
      });

      // μ_i and Σ_i: γ-weighted mean and covariance over every observation of every sequence.
      let mass = 0;
      const weighted = [0, 0];
      sequences.forEach((sequence, s) => {
        sequence.forEach((x, t) => {
          const g = posteriors[s]?.smoothed[t]?.[i] ?? 0;
          mass += g;
          weighted[0] = (weighted[0] ?? 0) + g * (x[0] ?? 0);
          weighted[1] = (weighted[1] ?? 0) + g * (x[1] ?? 0);
        });
      });
      const mean = [(weighted[0] ?? 0) / mass, (weighted[1] ?? 0) / mass];
      const cov = [
        [0, 0],
        [0, 0],
      ];
      sequences.forEach((sequence, s) => {
        sequence.forEach((x, t) => {
          const g = posteriors[s]?.smoothed[t]?.[i] ?? 0;
          for (let a = 0; a < 2; a++) {
            for (let b = 0; b < 2; b++) {
              const r = cov[a] ?? [];
              r[b] = (r[b] ?? 0) + (g * ((x[a] ?? 0) - (mean[a] ?? 0)) * ((x[b] ?? 0) - (mean[b] ?? 0))) / mass;
            }
          }
        });
      });
      expect(params.means[i]?.[0]).toBeCloseTo(mean[0] ?? Number.NaN, 12);
      expect(params.means[i]?.[1]).toBeCloseTo(mean[1] ?? Number.NaN, 12);
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          expect(params.covariances[i]?.[a]?.[b]).toBeCloseTo(cov[a]?.[b] ?? Number.NaN, 12);
        }
      }
    }
  });
});

describe("parameter validation", () => {
  it("accepts a valid model and survives a JSON round trip unchanged", () => {
    const parsed = gaussianHmmParamsSchema.parse(JSON.parse(JSON.stringify(threeStates)));
    expect(parsed).toEqual(threeStates);
  });

  it.each([
    [
      "a transition row not summing to 1",
      { ...threeStates, transition: [[0.5, 0.2, 0.1], ...threeStates.transition.slice(1)] },
    ],
    ["a negative probability", { ...threeStates, initial: [1.2, -0.2, 0] }],
    [
      "a covariance that is not positive definite",
      {
        ...threeStates,
        covariances: [
          [
            [1, 2],
            [2, 1],
          ],
          ...threeStates.covariances.slice(1),
        ],
      },
    ],
    [
      "an asymmetric covariance",
      {
        ...threeStates,
        covariances: [
          [
            [1, 0.3],
            [0.2, 0.5],
          ],
          ...threeStates.covariances.slice(1),
        ],
      },
    ],
    ["mismatched state counts", { ...threeStates, means: threeStates.means.slice(0, 2) }],
  ])("rejects %s", (_, params) => {
    expect(gaussianHmmParamsSchema.safeParse(params).success).toBe(false);
    expect(() => hmmForward(params, sequence5)).toThrow(RangeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("rejects an observation of %s", (bad) => {
    expect(() =>
      hmmForward(threeStates, [
        [0, 0],
        [bad, 0],
      ]),
    ).toThrow(RangeError);
    expect(() => smoothOffline(threeStates, [[0, bad]])).toThrow(RangeError);
    expect(() =>
      baumWelchStep(threeStates, [
        [
          [0, 0],
          [0, bad],
        ],
      ]),
    ).toThrow(RangeError);
  });

  it("rejects observations of the wrong dimension", () => {
    expect(() => hmmForward(threeStates, [[0, 0, 0]])).toThrow(RangeError);
  });
});
