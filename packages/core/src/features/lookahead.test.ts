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
import { randomWalkBars, seededUniform } from "./testing/random-walk-bars";

/**
 * The spec's automated lookahead detection, generic over a feature set: a value stamped at or
 * before T may depend only on bars complete by T (end time <= T). So perturb every bar that
 * completes after T — prices and volumes, every series — recompute, and list the features whose
 * value (or presence) at any timestamp <= T moved. Also lists the features the perturbation never
 * reached after T, so a test can insist it had the power to catch them.
 */
function lookaheadCheck(
  bars: readonly Bar[],
  cutoff: number,
  run: (bars: readonly Bar[]) => FeatureVector[],
  seed: number,
): { leaking: Set<string>; untouched: Set<string> } {
  const uniform = seededUniform(seed);
  const perturbed = bars.map((bar) => {
    if (barEndTime(bar) <= cutoff) return bar;
    const price = 0.8 + 0.4 * uniform();
    const volume = 0.5 + uniform();
    return {
      ...bar,
      open: bar.open * price,
      high: bar.high * price,
      low: bar.low * price,
      close: bar.close * price,
      volume: bar.volume * volume,
    };
  });
  const original = run(bars);
  const changed = run(perturbed);
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

const bars = [
  ...randomWalkBars(400, { symbol: "AAA", seed: 8 }),
  ...randomWalkBars(400, { symbol: "BBB", seed: 9, startPrice: 55 }),
].sort((a, b) => a.time - b.time || a.symbol.localeCompare(b.symbol));
const firstEnd = barEndTime(bars[0] as Bar);
const step = 60_000;
/** Cut-offs at the first bar, around the warm-ups and deep into the series. */
const cutoffs = [0, 1, 5, 11, 13, 14, 20, 25, 33, 34, 120, 398].map((k) => firstEnd + k * step);

describe("lookahead", () => {
  it.each(cutoffs)("no registered feature stamped at or before T moves when bars after T change (T = %i)", (cutoff) => {
    const run = (input: readonly Bar[]) => batchCompute(input);
    const { leaking, untouched } = lookaheadCheck(bars, cutoff, run, cutoff);
    expect([...leaking]).toEqual([]);
    // Every feature did change after T, so the check could have caught it.
    expect([...untouched]).toEqual([]);
  });

  it("catches a feature that peeks at the next bar", () => {
    // The kind of bug the check exists for: a value computed with data not yet known at its
    // timestamp — here the next bar's close, read from the series being processed.
    let series: readonly Bar[] = [];
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
          index = series.indexOf(bar, index + 1);
          return series.slice(index + 1).find((next) => next.symbol === bar.symbol)?.close;
        };
      },
    });
    const run = (input: readonly Bar[]) => {
      series = input;
      return batchCompute(input, { definitions: [...featureDefinitions, peeking] });
    };
    for (const cutoff of [firstEnd + 30 * step, firstEnd + 200 * step]) {
      expect([...lookaheadCheck(bars, cutoff, run, 1).leaking]).toEqual(["next_close"]);
    }
  });
});
