import { describe, expect, it } from "vitest";
import { type Bar, barEndTime, timeframeMs } from "../market/bar";
import { entropyNats } from "./hmm-forward";
import { stationaryDistribution } from "./markov-chain";
import {
  type RegimeDetector as Detector,
  RegimeDetector,
  type RegimeEstimate,
  type RegimeObservation,
  regimeEstimateSchema,
} from "./regime-detector";
import type { RegimeLabel } from "./regime-labels";
import { bivariateNormalLogDensity, mulberry32, normalSampler, sumsInEveryOrder } from "./regime-test-support";

/** Per-bar drift and volatility of log returns in each true regime, and a persistent switching chain. */
const regimes: Record<RegimeLabel, { drift: number; vol: number }> = {
  bull: { drift: 0.0008, vol: 0.008 },
  bear: { drift: -0.0015, vol: 0.02 },
  sideways: { drift: 0, vol: 0.005 },
};
const order: RegimeLabel[] = ["bull", "bear", "sideways"];

function simulateBars(symbol: string, count: number, seed: number): { bars: Bar[]; truth: RegimeLabel[] } {
  const random = mulberry32(seed);
  const normal = normalSampler(random);
  const bars: Bar[] = [];
  const truth: RegimeLabel[] = [];
  let regime: RegimeLabel = "sideways";
  let close = 100;
  for (let i = 0; i < count; i++) {
    if (random() < 0.01) regime = order[Math.floor(random() * 3)] ?? "sideways";
    const { drift, vol } = regimes[regime];
    const open = close;
    close = open * Math.exp(drift + vol * normal());
    bars.push({
      symbol,
      timeframe: "1min",
      time: 1_700_000_000_000 + i * timeframeMs["1min"],
      open,
      high: Math.max(open, close) * 1.0005,
      low: Math.min(open, close) * 0.9995,
      close,
      volume: 1000,
    });
    truth.push(regime);
  }
  return { bars, truth };
}

/**
 * What the feature pipeline supplies, recomputed here from bars: the bar's log return and the
 * root-mean-square of the last `window` log returns, stamped with the bar's completion time.
 * Each observation reads only its own bar and earlier ones.
 */
function observationsFromBars(bars: Bar[], window = 20): { time: number; observation: RegimeObservation }[] {
  const out: { time: number; observation: RegimeObservation }[] = [];
  const returns: number[] = [];
  bars.forEach((bar, i) => {
    const previous = bars[i - 1];
    if (!previous) return;
    returns.push(Math.log(bar.close / previous.close));
    if (returns.length < window) return;
    const recent = returns.slice(-window);
    const volatility = Math.sqrt(recent.reduce((sum, r) => sum + r * r, 0) / window);
    out.push({ time: barEndTime(bar), observation: [returns.at(-1) ?? 0, volatility] });
  });
  return out;
}

const historyA = observationsFromBars(simulateBars("AAA", 15_000, 1).bars).map((o) => o.observation);
const historyB = observationsFromBars(simulateBars("BBB", 15_000, 2).bars).map((o) => o.observation);
const detector = RegimeDetector.fit([historyA, historyB], { random: mulberry32(5) });

function run(target: Detector, symbol: string, bars: Bar[]): RegimeEstimate[] {
  return observationsFromBars(bars).map(({ time, observation }) => target.update(symbol, time, observation));
}

function fresh(): Detector {
  return RegimeDetector.fromModel(detector.toJSON());
}

describe("RegimeDetector.fit", () => {
  it("labels the fitted states by mean return: bull > sideways > bear", () => {
    const { means } = detector.model.params;
    const { bull, bear, sideways } = detector.model.labels;
    expect(means[bull]?.[0]).toBeGreaterThan(means[sideways]?.[0] ?? Number.NaN);
    expect(means[sideways]?.[0]).toBeGreaterThan(means[bear]?.[0] ?? Number.NaN);
    expect(detector.model.fit.sequences).toBe(2);
    expect(detector.model.fit.observations).toBe(historyA.length + historyB.length);
  });

  it("tracks the true regime of unseen data most of the time", () => {
    const { bars, truth } = simulateBars("CCC", 10_000, 3);
    const estimates = run(fresh(), "CCC", bars);
    let hits = 0;
    estimates.forEach((estimate, i) => {
      const label = order.reduce((best, l) => (estimate[l] > estimate[best] ? l : best), "bull" as RegimeLabel);
      // Observation i belongs to bar i + 20 (the first 20 bars build the volatility window).
      if (label === truth[i + 20]) hits++;
    });
    expect(hits / estimates.length).toBeGreaterThan(0.8);
  });

  it("names the model version by its content, deterministically, unless told otherwise", () => {
    expect(detector.modelVersion).toMatch(/^hmm3-[0-9a-f]{16}$/);
    const again = RegimeDetector.fit([historyA.slice(0, 3000)], { random: mulberry32(9) });
    const twice = RegimeDetector.fit([historyA.slice(0, 3000)], { random: mulberry32(9) });
    expect(twice.modelVersion).toBe(again.modelVersion);
    expect(again.modelVersion).not.toBe(detector.modelVersion);
    const named = RegimeDetector.fit([historyA.slice(0, 3000)], { random: mulberry32(9), modelVersion: "regime-v7" });
    expect(named.modelVersion).toBe("regime-v7");
  });

  it("rejects observations that are not [logReturn, volatility]", () => {
    expect(() =>
      RegimeDetector.fit([[[0.001, 0.01, 3] as unknown as RegimeObservation]], { random: mulberry32(1) }),
    ).toThrow(RangeError);
  });
});

describe("RegimeDetector.update", () => {
  const { bars } = simulateBars("AAA", 600, 11);

  it("returns valid regime_history rows: probabilities summing to exactly 1, entropy in nats", () => {
    for (const estimate of run(fresh(), "AAA", bars)) {
      expect(regimeEstimateSchema.parse(estimate)).toEqual(estimate);
      for (const sum of sumsInEveryOrder(estimate.bull, estimate.bear, estimate.sideways)) expect(sum).toBe(1);
      expect(estimate.entropy).toBeCloseTo(entropyNats([estimate.bull, estimate.bear, estimate.sideways]), 12);
      expect(estimate.entropy).toBeLessThanOrEqual(Math.log(3));
      expect(estimate.modelVersion).toBe(detector.modelVersion);
      expect(estimate.symbol).toBe("AAA");
    }
  });

  it("starts each symbol from the stationary distribution (Bayes' rule on the first observation)", () => {
    const [first] = observationsFromBars(bars);
    if (!first) throw new Error("no observation");
    const { params, labels } = detector.model;
    const prior = stationaryDistribution(params.transition);
    const joint = [0, 1, 2].map(
      (s) => (prior[s] ?? 0) * Math.exp(bivariateNormalLogDensity(first.observation, params, s)),
    );
    const total = joint.reduce((a, b) => a + b, 0);
    const estimate = fresh().update("AAA", first.time, first.observation);
    expect(estimate.bull).toBeCloseTo((joint[labels.bull] ?? 0) / total, 12);
    expect(estimate.bear).toBeCloseTo((joint[labels.bear] ?? 0) / total, 12);
    expect(estimate.sideways).toBeCloseTo((joint[labels.sideways] ?? 0) / total, 12);
  });

  it("keeps symbols independent: interleaved updates equal separate runs", () => {
    const other = simulateBars("BBB", 600, 12).bars;
    const shared = fresh();
    const a = observationsFromBars(bars);
    const b = observationsFromBars(other);
    const interleaved: RegimeEstimate[] = [];
    a.forEach((o, i) => {
      interleaved.push(shared.update("AAA", o.time, o.observation));
      const p = b[i];
      if (p) shared.update("BBB", p.time, p.observation);
    });
    expect(interleaved).toEqual(run(fresh(), "AAA", bars));
    expect(shared.symbols().sort()).toEqual(["AAA", "BBB"]);
    expect(shared.latest("BBB")).toEqual(run(fresh(), "BBB", other).at(-1));
  });

  it("rejects a time that does not move forward, changing nothing", () => {
    const [o1, o2, o3] = observationsFromBars(bars);
    if (!o1 || !o2 || !o3) throw new Error("no observations");
    const reference = fresh();
    const target = fresh();
    reference.update("AAA", o1.time, o1.observation);
    reference.update("AAA", o2.time, o2.observation);
    target.update("AAA", o1.time, o1.observation);
    target.update("AAA", o2.time, o2.observation);
    expect(() => target.update("AAA", o2.time, o3.observation)).toThrow(RangeError);
    expect(() => target.update("AAA", o1.time, o3.observation)).toThrow(RangeError);
    expect(target.update("AAA", o3.time, o3.observation)).toEqual(reference.update("AAA", o3.time, o3.observation));
  });

  it.each([
    [Number.NaN, 0.01],
    [0.001, Number.NaN],
    [Number.POSITIVE_INFINITY, 0.01],
    [0.001, Number.NEGATIVE_INFINITY],
  ])("rejects the observation [%s, %s], changing nothing", (r, v) => {
    const [o1, o2] = observationsFromBars(bars);
    if (!o1 || !o2) throw new Error("no observations");
    const reference = fresh();
    const target = fresh();
    reference.update("AAA", o1.time, o1.observation);
    target.update("AAA", o1.time, o1.observation);
    expect(() => target.update("AAA", o2.time, [r, v])).toThrow(RangeError);
    expect(target.latest("AAA")).toEqual(reference.latest("AAA"));
    expect(target.update("AAA", o2.time, o2.observation)).toEqual(reference.update("AAA", o2.time, o2.observation));
  });

  it("rejects a bad symbol or time", () => {
    const target = fresh();
    expect(() => target.update("", 60_000, [0, 0.01])).toThrow(RangeError);
    expect(() => target.update("AAA", -1, [0, 0.01])).toThrow(RangeError);
    expect(() => target.update("AAA", 1.5, [0, 0.01])).toThrow(RangeError);
    expect(target.symbols()).toEqual([]);
  });

  it("latest, isReady and reset", () => {
    const target = RegimeDetector.fromModel(detector.toJSON(), { warmup: 2 });
    const [o1, o2] = observationsFromBars(bars);
    if (!o1 || !o2) throw new Error("no observations");
    expect(target.latest("AAA")).toBeNull();
    expect(target.isReady("AAA")).toBe(false);
    const e1 = target.update("AAA", o1.time, o1.observation);
    expect(target.latest("AAA")).toEqual(e1);
    expect(target.isReady("AAA")).toBe(false);
    target.update("AAA", o2.time, o2.observation);
    expect(target.isReady("AAA")).toBe(true);
    target.reset("AAA");
    expect(target.latest("AAA")).toBeNull();
    // After a reset the symbol starts afresh, earlier times included.
    expect(target.update("AAA", o1.time, o1.observation)).toEqual(e1);
  });
});

describe("causality at the level of bars", () => {
  it("changing every bar after T leaves every estimate at or before T bit-identical", () => {
    const { bars } = simulateBars("AAA", 800, 21);
    const cut = 400; // T = completion time of bar 400
    const cutTime = barEndTime(bars[cut] ?? bars[0] ?? ({} as Bar));
    // After T the market crashes instead: different closes, highs, lows and volumes.
    const random = mulberry32(99);
    const altered = bars.map((bar, i) => {
      if (i <= cut) return bar;
      const factor = Math.exp(-0.03 * (i - cut) + 0.01 * random());
      return {
        ...bar,
        close: bar.close * factor,
        open: bar.open * factor,
        high: bar.high * factor,
        low: bar.low * factor * 0.9,
        volume: 9e6,
      };
    });
    const original = run(fresh(), "AAA", bars);
    const changed = run(fresh(), "AAA", altered);
    expect(changed.length).toBe(original.length);
    let compared = 0;
    let differentAfter = 0;
    original.forEach((a, i) => {
      const b = changed[i];
      if (!b) throw new Error("missing estimate");
      expect(b.time).toBe(a.time);
      if (a.time <= cutTime) {
        compared++;
        for (const field of ["bull", "bear", "sideways", "entropy"] as const)
          expect(Object.is(a[field], b[field])).toBe(true);
      } else if (a.bull !== b.bull || a.bear !== b.bear) {
        differentAfter++;
      }
    });
    expect(compared).toBe(cut - 19); // observations of bars 20..400
    expect(differentAfter).toBeGreaterThan(100);
  });
});

describe("stored model", () => {
  it("round-trips through JSON to a detector giving bit-identical estimates", () => {
    const { bars } = simulateBars("AAA", 300, 31);
    const restored = RegimeDetector.fromModel(JSON.parse(JSON.stringify(detector)));
    expect(restored.modelVersion).toBe(detector.modelVersion);
    expect(run(restored, "AAA", bars)).toEqual(run(fresh(), "AAA", bars));
  });

  it("refuses labels that contradict the states' mean returns", () => {
    const model = structuredClone(detector.toJSON());
    const { bull, bear, sideways } = model.labels;
    expect(() => RegimeDetector.fromModel({ ...model, labels: { bull: bear, bear: bull, sideways } })).toThrow();
  });

  it("refuses corrupt parameters and models of the wrong shape", () => {
    const model = structuredClone(detector.toJSON());
    const broken = structuredClone(model);
    (broken.params.covariances[0] ?? [])[0] = [1, 5];
    expect(() => RegimeDetector.fromModel(broken)).toThrow();
    expect(() => RegimeDetector.fromModel({ ...model, format: "other" })).toThrow();
    const twoStates = {
      ...model,
      params: {
        initial: [0.5, 0.5],
        transition: [
          [0.9, 0.1],
          [0.1, 0.9],
        ],
        means: model.params.means.slice(0, 2),
        covariances: model.params.covariances.slice(0, 2),
      },
    };
    expect(() => RegimeDetector.fromModel(twoStates)).toThrow();
  });
});
