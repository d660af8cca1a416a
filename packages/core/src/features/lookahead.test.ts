import { describe, expect, it } from "vitest";
import { type Bar, barEndTime } from "../market/bar";
import {
  defineFeature,
  FEATURE_PIPELINE_VERSION,
  type FeatureDefinition,
  featureDefinitions,
} from "./feature-definitions";
import { batchCompute } from "./feature-pipeline";
import type { FeatureVector } from "./feature-vector";
import { interleave, randomWalkBars, seededUniform } from "./testing/random-walk-bars";

/**
 * Every bar that completes after `cutoff`, of every series, perturbed: the price level scaled by
 * 0.8..1.2 and each of open, high, low and close jittered on its own (so ratios of prices within
 * a bar move too), high and low kept the extremes; the volume scaled by 0.5..1.5.
 */
function perturbAfter(bars: readonly Bar[], cutoff: number, seed: number): Bar[] {
  const uniform = seededUniform(seed);
  const jitter = () => 1 + 0.01 * (uniform() - 0.5);
  return bars.map((bar) => {
    if (barEndTime(bar) <= cutoff) return bar;
    const level = 0.8 + 0.4 * uniform();
    const open = bar.open * level * jitter();
    const close = bar.close * level * jitter();
    return {
      ...bar,
      open,
      close,
      high: Math.max(open, close, bar.high * level * jitter()),
      low: Math.min(open, close, bar.low * level * jitter()),
      volume: bar.volume * (0.5 + uniform()),
    };
  });
}

/**
 * The spec's automated lookahead detection, generic over a feature set: a value stamped at or
 * before T may depend only on bars complete by T (end time <= T). So perturb every bar that
 * completes after T, of every symbol, recompute in the same delivery order, and list the features
 * whose value (or presence) at any timestamp <= T moved. Also lists the features the perturbation
 * never reached after T, so a test can insist it had the power to catch them.
 */
function lookaheadCheck(
  bars: readonly Bar[],
  cutoff: number,
  run: (bars: readonly Bar[]) => FeatureVector[],
  seed: number,
): { leaking: Set<string>; untouched: Set<string> } {
  const original = run(bars);
  const changed = run(perturbAfter(bars, cutoff, seed));
  const leaking = new Set<string>();
  const reached = new Set<string>();
  for (const [i, before] of original.entries()) {
    const after = changed[i];
    if (after === undefined) throw new Error(`no vector for bar ${i} after perturbation`);
    const names = new Set([...Object.keys(before.features), ...Object.keys(after.features)]);
    const known = Date.parse(before.timestamp) <= cutoff;
    for (const name of names) {
      if (Object.is(before.features[name], after.features[name])) continue;
      (known ? leaking : reached).add(name);
    }
  }
  const untouched = new Set(original.flatMap((v) => Object.keys(v.features)).filter((name) => !reached.has(name)));
  return { leaking, untouched };
}

const step = 60_000;
const barsPerSymbol = 600;
const series = [
  randomWalkBars(barsPerSymbol, { symbol: "AAA", seed: 8 }),
  randomWalkBars(barsPerSymbol, { symbol: "BBB", seed: 9, startPrice: 55 }),
  randomWalkBars(barsPerSymbol, { symbol: "CCC", seed: 10, startPrice: 320, volatility: 0.02 }),
  randomWalkBars(barsPerSymbol, { symbol: "DDD", seed: 11, startPrice: 12 }),
];
/** Time order, as a feed in step delivers them. */
const inStep = interleave(series);
/**
 * AAA's bars delivered `steps` time steps ahead of the others' (a lagging feed for the rest): bars
 * of the future are in the pipeline while earlier bars of other symbols are computed. One step
 * ahead, the others still find AAA's earlier values in its ring; three steps ahead they do not.
 */
function aheadBy(steps: number): Bar[] {
  const arrival = (bar: Bar) => bar.time - (bar.symbol === "AAA" ? steps * step : 0);
  return [...inStep].sort((a, b) => arrival(a) - arrival(b) || a.symbol.localeCompare(b.symbol));
}
const skewed = aheadBy(3);
const firstEnd = barEndTime(inStep[0] as Bar);
/** Cut-offs at the first bar, around every warm-up and deep into the series. */
const cutoffs = [0, 1, 5, 6, 11, 13, 14, 15, 19, 20, 25, 27, 28, 33, 34, 49, 50, 59, 60, 61, 120, 400, 540].map(
  (k) => firstEnd + k * step,
);

describe("lookahead", () => {
  it.each(cutoffs)("no registered feature stamped at or before T moves when bars after T change (T = %i)", (cutoff) => {
    const { leaking, untouched } = lookaheadCheck(inStep, cutoff, (input) => batchCompute(input), cutoff);
    expect([...leaking]).toEqual([]);
    // Every feature did change after T, so the check could have caught it.
    expect([...untouched]).toEqual([]);
  });

  it.each(cutoffs.flatMap((cutoff) => [1, 3].map((steps) => [steps, cutoff])))(
    "nor when one symbol's bars arrive %i time step(s) ahead of the others' (T = %i)",
    (steps, cutoff) => {
      const { leaking, untouched } = lookaheadCheck(aheadBy(steps), cutoff, (input) => batchCompute(input), cutoff);
      expect([...leaking]).toEqual([]);
      expect([...untouched]).toEqual([]);
    },
  );

  it("catches a feature that peeks at the next bar", () => {
    // The kind of bug the check exists for: a value computed with data not yet known at its
    // timestamp — here the next bar's close, read from the series being processed.
    let input: readonly Bar[] = [];
    const peeking: FeatureDefinition = defineFeature({
      name: "next_close",
      description: "The next bar's close: lookahead on purpose.",
      inputs: ["close"],
      warmup: 1,
      window: 1,
      version: FEATURE_PIPELINE_VERSION,
      bind: () => {
        let index = -1;
        return (bar) => {
          index = input.indexOf(bar, index + 1);
          return input.slice(index + 1).find((next) => next.symbol === bar.symbol)?.close;
        };
      },
    });
    const run = (bars: readonly Bar[]) => {
      input = bars;
      return batchCompute(bars, { definitions: [...featureDefinitions, peeking] });
    };
    for (const cutoff of [firstEnd + 30 * step, firstEnd + 200 * step]) {
      expect([...lookaheadCheck(inStep, cutoff, run, 1).leaking]).toEqual(["next_close"]);
    }
  });

  it("catches a cross-sectional feature that reads whatever the other symbols last delivered", () => {
    // The tempting shortcut the cross-section avoids: each symbol's latest value as delivered. With
    // every feed in step it is harmless; with one running ahead, an earlier bar of another symbol
    // reads values from its future.
    const latest = new Map<string, number>();
    const naivePeers: FeatureDefinition = defineFeature({
      name: "naive_peer_close",
      description: "Mean of the other symbols' last delivered closes: lookahead when feeds skew.",
      inputs: ["close"],
      warmup: 1,
      window: 1,
      version: FEATURE_PIPELINE_VERSION,
      bind: () => (bar) => {
        latest.set(bar.symbol, bar.close);
        const others = [...latest].filter(([symbol]) => symbol !== bar.symbol).map(([, close]) => close);
        return others.length === 0 ? undefined : others.reduce((a, b) => a + b, 0) / others.length;
      },
    });
    const run = (bars: readonly Bar[]) => {
      latest.clear();
      return batchCompute(bars, { definitions: [...featureDefinitions, naivePeers] });
    };
    const cutoff = firstEnd + 200 * step;
    expect([...lookaheadCheck(inStep, cutoff, run, 2).leaking]).toEqual([]);
    expect([...lookaheadCheck(skewed, cutoff, run, 2).leaking]).toEqual(["naive_peer_close"]);
  });
});
