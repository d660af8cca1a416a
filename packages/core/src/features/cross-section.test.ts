import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { CrossSection, crossSectionalQuantity } from "./cross-section";
import { defineFeature, FEATURE_PIPELINE_VERSION, type FeatureDefinition } from "./feature-definitions";
import { batchCompute, FeaturePipeline } from "./feature-pipeline";
import type { FeatureVector } from "./feature-vector";
import { barAt, interleave, randomWalkBars } from "./testing/random-walk-bars";

/** A feature set of the close and its cross-sectional rank: easy to work by hand. */
const close = crossSectionalQuantity("close", () => (bar) => bar.close);
const closeRank: FeatureDefinition = defineFeature({
  name: "rank_close",
  description: "Percentile rank of the close among the other symbols' earlier closes.",
  inputs: ["close"],
  warmup: 1,
  window: 1,
  version: FEATURE_PIPELINE_VERSION,
  crossSectional: true,
  bind: (scope) => scope.rank(close),
});
const definitions = [closeRank];

function step(index: number, closes: Record<string, number>): Bar[] {
  return Object.entries(closes).map(([symbol, close]) => barAt(index, close, 1_000, symbol));
}

function rankOf(vector: FeatureVector | undefined): number | undefined {
  return vector?.features.rank_close;
}

describe("cross-sectional ranks", () => {
  it("rank a close among the others' closes of the previous bar, ties counting half; none at the first bar", () => {
    const pipeline = new FeaturePipeline({ definitions });
    const first = step(0, { AAA: 10, BBB: 20, CCC: 20, DDD: 30 }).map((bar) => pipeline.update(bar));
    expect(first.map(rankOf)).toEqual([undefined, undefined, undefined, undefined]);
    // AAA 20 against 20, 20, 30: none below, two equal → (0 + 1)/3. BBB 5 against 10, 20, 30 → 0.
    // CCC 25 against 10, 20, 30 → 2/3. DDD 30 against 10, 20, 20 → 1.
    const second = step(1, { AAA: 20, BBB: 5, CCC: 25, DDD: 30 }).map((bar) => pipeline.update(bar));
    expect(second.map(rankOf)).toEqual([1 / 3, 0, 2 / 3, 1]);
    // BBB leaves: it no longer counts. AAA 21 against 25, 30 → 0; CCC 1 against 20, 30 → 0; DDD 30 → 1.
    pipeline.remove("BBB", "1min");
    const third = step(2, { AAA: 21, CCC: 1, DDD: 30 }).map((bar) => pipeline.update(bar));
    expect(third.map(rankOf)).toEqual([0, 0, 1]);
  });

  it("count a symbol that missed a bar with its latest earlier value, however old", () => {
    const pipeline = new FeaturePipeline({ definitions });
    for (const bar of step(0, { AAA: 10, BBB: 20 })) pipeline.update(bar);
    pipeline.update(barAt(1, 15, 1_000, "AAA"));
    // BBB has no bar 1 or 2: AAA 30 at bar 2 ranks against BBB's bar-0 close 20 → 1; BBB 12 at
    // bar 3 against AAA's bar-2 close 30 → 0.
    expect(rankOf(pipeline.update(barAt(2, 30, 1_000, "AAA")))).toBe(1);
    expect(rankOf(pipeline.update(barAt(3, 12, 1_000, "BBB")))).toBe(0);
  });

  it("after symbols are removed, rank the rest exactly as if those had never been there", () => {
    const symbols = Array.from({ length: 30 }, (_, i) => `S${i}`);
    const series = symbols.map((symbol, i) => randomWalkBars(80, { symbol, seed: 300 + i }));
    const gone = new Set(["S0", "S7", "S13", "S29", "S28"]);
    const cut = series[0]?.[40]?.time ?? 0;
    const pipeline = new FeaturePipeline({ definitions });
    const vectors: FeatureVector[] = [];
    for (const bar of interleave(series)) {
      if (bar.time === cut && bar.symbol === "S0") for (const symbol of gone) pipeline.remove(symbol, "1min");
      if (bar.time >= cut && gone.has(bar.symbol)) continue;
      vectors.push(pipeline.update(bar));
    }
    const without = batchCompute(interleave(series.filter((s) => !gone.has(s[0]?.symbol ?? ""))), { definitions });
    // From the second bar after the cut on, only the remaining symbols' values can be read.
    const after = (v: FeatureVector) => Date.parse(v.timestamp) > cut + 2 * 60_000;
    expect(vectors.filter(after)).toStrictEqual(without.filter(after));
  });

  it("refuses a new quantity once values are held: a layout is fixed by its quantities", () => {
    const section = new CrossSection();
    section.indexOf(crossSectionalQuantity("a", () => () => 1));
    const seat = section.seat();
    seat.begin(60_000);
    seat.set(0, 1);
    seat.commit();
    expect(() => section.indexOf(crossSectionalQuantity("b", () => () => 1))).toThrow(RangeError);
    expect([section.size, section.quantityCount, seat.rank(0)]).toEqual([1, 1, undefined]);
    seat.vacate();
    expect(section.size).toBe(0);
  });
});
