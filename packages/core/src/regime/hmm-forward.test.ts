import { describe, expect, it } from "vitest";
import { compileGaussianHmm, hmmForward, smoothOffline } from "./gaussian-hmm";
import { entropyNats, RegimeFilter } from "./hmm-forward";
import { bruteForce, mulberry32, referenceRegimeModel, sampleHmm } from "./regime-test-support";

describe("entropyNats", () => {
  it("is ln 3 for the uniform three-state distribution", () => {
    expect(entropyNats([1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(Math.log(3), 15);
  });

  it("is 0 for a one-hot distribution, wherever the one is", () => {
    expect(entropyNats([1, 0, 0])).toBe(0);
    expect(entropyNats([0, 1, 0])).toBe(0);
    expect(entropyNats([0, 0, 1])).toBe(0);
  });

  it("matches hand-worked values", () => {
    expect(entropyNats([0.5, 0.5, 0])).toBeCloseTo(Math.log(2), 15);
    // −(0.5 ln 0.5 + 2·0.25 ln 0.25) = 1.5 ln 2
    expect(entropyNats([0.5, 0.25, 0.25])).toBeCloseTo(1.5 * Math.log(2), 15);
  });
});

const sequence = sampleHmm(referenceRegimeModel, 400, mulberry32(31)).observations;

describe("RegimeFilter", () => {
  it("reproduces brute-force filtering, one observation at a time", () => {
    const observations = sequence.slice(0, 6);
    const reference = bruteForce(referenceRegimeModel, observations);
    const filter = new RegimeFilter(referenceRegimeModel);
    observations.forEach((x, t) => {
      const { probs, entropy, logLikelihoodIncrement } = filter.update(x);
      probs.forEach((p, j) => {
        expect(p).toBeCloseTo(reference.filtered[t]?.[j] ?? Number.NaN, 12);
      });
      expect(entropy).toBeCloseTo(entropyNats(reference.filtered[t] ?? []), 12);
      expect(Number.isFinite(logLikelihoodIncrement)).toBe(true);
    });
  });

  it("gives bit-identical results to the batch forward algorithm, and its increments sum to the likelihood", () => {
    const filter = new RegimeFilter(compileGaussianHmm(referenceRegimeModel));
    const batch = hmmForward(referenceRegimeModel, sequence);
    let logLikelihood = 0;
    sequence.forEach((x, t) => {
      const update = filter.update(x);
      expect(update.probs).toEqual(batch.filtered[t]);
      logLikelihood += update.logLikelihoodIncrement;
    });
    expect(logLikelihood).toBe(batch.logLikelihood);
  });

  it("starts from the given initial distribution", () => {
    const initial = [0.05, 0.05, 0.9];
    const reference = bruteForce(referenceRegimeModel, sequence.slice(0, 3), initial);
    const filter = new RegimeFilter(referenceRegimeModel, { initial });
    sequence.slice(0, 3).forEach((x, t) => {
      filter.update(x).probs.forEach((p, j) => {
        expect(p).toBeCloseTo(reference.filtered[t]?.[j] ?? Number.NaN, 12);
      });
    });
  });

  it("reset() starts again from the prior", () => {
    const filter = new RegimeFilter(referenceRegimeModel);
    const first = sequence.slice(0, 20).map((x) => filter.update(x).probs);
    filter.reset();
    expect(filter.observations).toBe(0);
    expect(filter.current()).toBeNull();
    const second = sequence.slice(0, 20).map((x) => filter.update(x).probs);
    expect(second).toEqual(first);
  });

  it("is ready after the warm-up", () => {
    const filter = new RegimeFilter(referenceRegimeModel, { warmup: 3 });
    expect(filter.isReady()).toBe(false);
    filter.update(sequence[0] ?? []);
    filter.update(sequence[1] ?? []);
    expect(filter.isReady()).toBe(false);
    filter.update(sequence[2] ?? []);
    expect(filter.isReady()).toBe(true);
    filter.reset();
    expect(filter.isReady()).toBe(false);
    expect(new RegimeFilter(referenceRegimeModel).isReady()).toBe(false);
  });

  it.each([
    ["NaN return", [Number.NaN, 0.01]],
    ["NaN volatility", [0.001, Number.NaN]],
    ["+Infinity", [Number.POSITIVE_INFINITY, 0.01]],
    ["-Infinity", [0.001, Number.NEGATIVE_INFINITY]],
    ["too few values", [0.001]],
    ["too many values", [0.001, 0.01, 0]],
  ])("rejects %s and leaves its state untouched", (_, bad) => {
    const clean = new RegimeFilter(referenceRegimeModel);
    const hit = new RegimeFilter(referenceRegimeModel);
    for (let t = 0; t < 10; t++) {
      clean.update(sequence[t] ?? []);
      hit.update(sequence[t] ?? []);
    }
    expect(() => hit.update(bad)).toThrow(RangeError);
    expect(hit.observations).toBe(10);
    expect(hit.current()).toEqual(clean.current());
    expect(hit.update(sequence[10] ?? [])).toEqual(clean.update(sequence[10] ?? []));
  });

  it("refuses an invalid initial distribution or warm-up", () => {
    expect(() => new RegimeFilter(referenceRegimeModel, { initial: [0.5, 0.5] })).toThrow(RangeError);
    expect(() => new RegimeFilter(referenceRegimeModel, { initial: [0.5, 0.6, -0.1] })).toThrow(RangeError);
    expect(() => new RegimeFilter(referenceRegimeModel, { initial: [0.5, 0.4, 0.2] })).toThrow(RangeError);
    expect(() => new RegimeFilter(referenceRegimeModel, { warmup: 0 })).toThrow(RangeError);
  });
});

describe("causality: the filter cannot see the future", () => {
  const cut = 199; // T: the last index whose observation stays the same

  /** Every observation after T replaced by something wildly different (a crash regime). */
  function alteredAfterCut(): number[][] {
    const random = mulberry32(77);
    return sequence.map((x, t) => (t <= cut ? x : [-0.05 + 0.01 * random(), 0.06 + 0.01 * random()]));
  }

  it("filtered probabilities at and before T are bit-identical when everything after T changes", () => {
    const original = new RegimeFilter(referenceRegimeModel);
    const altered = new RegimeFilter(referenceRegimeModel);
    const changed = alteredAfterCut();
    let differsAfter = false;
    sequence.forEach((x, t) => {
      const a = original.update(x);
      const b = altered.update(changed[t] ?? []);
      if (t <= cut) {
        for (let j = 0; j < 3; j++) expect(Object.is(a.probs[j], b.probs[j])).toBe(true);
        expect(Object.is(a.entropy, b.entropy)).toBe(true);
      } else if (a.probs.some((p, j) => p !== b.probs[j])) {
        differsAfter = true;
      }
    });
    // The change is real: it does move the probabilities after T.
    expect(differsAfter).toBe(true);
  });

  it("the batch forward algorithm is just as causal", () => {
    const a = hmmForward(referenceRegimeModel, sequence).filtered;
    const b = hmmForward(referenceRegimeModel, alteredAfterCut()).filtered;
    expect(b.slice(0, cut + 1)).toEqual(a.slice(0, cut + 1));
  });

  it("whereas the offline smoother DOES change at and before T: the test detects leakage", () => {
    const a = smoothOffline(referenceRegimeModel, sequence).smoothed;
    const b = smoothOffline(referenceRegimeModel, alteredAfterCut()).smoothed;
    const leakedAtCut = Math.max(...[0, 1, 2].map((j) => Math.abs((a[cut]?.[j] ?? 0) - (b[cut]?.[j] ?? 0))));
    expect(leakedAtCut).toBeGreaterThan(1e-3);
    let changedBefore = 0;
    for (let t = 0; t <= cut; t++) if (a[t]?.some((p, j) => p !== b[t]?.[j])) changedBefore++;
    expect(changedBefore).toBeGreaterThan(0);
  });
});
