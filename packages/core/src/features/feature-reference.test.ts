import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { featureDefinitions } from "./feature-definitions";
import { batchCompute } from "./feature-pipeline";
import { naiveFeatures } from "./testing/naive-features";
import { interleave, randomWalkBars, seededUniform, tickWalkBars } from "./testing/random-walk-bars";

/*
 * The pipeline against the naive reference of testing/naive-features.ts (textbook definitions,
 * plain loops over the bar arrays, no indicator class), on long multi-symbol series, for every
 * registered feature at every bar: the same features present (warm-up boundaries exact, absence
 * never a 0) and every value within 1e-9 relative (at least 1e-9 absolute) — far inside the
 * 1e-6 the issue allows.
 */

const tolerance = 1e-9;

/** Drops about `fraction` of the bars (never the first): a series with gaps. */
function withGaps(bars: readonly Bar[], fraction: number, seed: number): Bar[] {
  const uniform = seededUniform(seed);
  return bars.filter((_, i) => i === 0 || uniform() >= fraction);
}

const later = Date.UTC(2025, 9, 21, 13, 30) + 500 * 60_000;

const cases: { label: string; bars: Bar[] }[] = [
  {
    label: "four 1%-per-bar random walks, one starting 500 bars late and one with 5% of its bars missing",
    bars: interleave([
      randomWalkBars(4_000, { symbol: "AAA", seed: 42 }),
      randomWalkBars(4_000, { symbol: "BBB", seed: 43, startPrice: 35 }),
      randomWalkBars(3_500, { symbol: "CCC", seed: 44, startPrice: 250, startTime: later }),
      withGaps(randomWalkBars(4_000, { symbol: "DDD", seed: 45, startPrice: 80, volatility: 0.02 }), 0.05, 46),
    ]),
  },
  {
    label: "two 3%-per-bar random walks from 25,000",
    bars: interleave([
      randomWalkBars(3_000, { symbol: "BTC", seed: 47, startPrice: 25_000, volatility: 0.03 }),
      randomWalkBars(3_000, { symbol: "ETH", seed: 48, startPrice: 1_800, volatility: 0.03 }),
    ]),
  },
  {
    label: "three tick-rounded walks with unchanged closes, gaps, zero volumes and motionless stretches",
    bars: interleave([
      tickWalkBars(3_000, { symbol: "TKA", seed: 49 }),
      tickWalkBars(3_000, { symbol: "TKB", seed: 50, startPrice: 12 }),
      tickWalkBars(3_000, { symbol: "TKC", seed: 51, startPrice: 7, flatEvery: 333, flatLength: 70 }),
    ]),
  },
];

describe("the pipeline against a naive reference implementation", () => {
  it("has a reference for every registered feature, and nothing else", () => {
    const referenced = new Set(cases.flatMap(({ bars }) => naiveFeatures(bars).flatMap((v) => Object.keys(v))));
    expect([...referenced].sort()).toEqual(featureDefinitions.map((d) => d.name).sort());
  });

  for (const { label, bars } of cases) {
    it(`agrees on every feature at every bar of ${label}`, () => {
      const expected = naiveFeatures(bars);
      const actual = batchCompute(bars);
      const worst = new Map<string, number>();
      const compared = new Map<string, number>();
      for (const [t, vector] of actual.entries()) {
        const reference = expected[t] ?? {};
        const present = Object.keys(vector.features).sort();
        const missing = Object.keys(reference).filter((name) => !(name in vector.features));
        const extra = present.filter((name) => !(name in reference));
        if (missing.length > 0 || extra.length > 0) {
          throw new Error(
            `bar ${t} (${vector.symbol} ${vector.timestamp}): missing ${missing.join(", ") || "-"}; unexpected ${extra.join(", ") || "-"}`,
          );
        }
        for (const [name, value] of Object.entries(vector.features)) {
          const want = reference[name] ?? Number.NaN;
          const error = Math.abs(value - want);
          if (!(error <= tolerance * Math.max(1, Math.abs(want)))) {
            throw new Error(
              `${name} at bar ${t} (${vector.symbol} ${vector.timestamp}): ${value} vs reference ${want}`,
            );
          }
          worst.set(name, Math.max(worst.get(name) ?? 0, error));
          compared.set(name, (compared.get(name) ?? 0) + 1);
        }
      }
      // Every feature was compared on most of the run, so none passed by being absent.
      for (const definition of featureDefinitions) {
        expect(compared.get(definition.name) ?? 0, definition.name).toBeGreaterThan(bars.length / 2);
      }
      expect(Math.max(...worst.values())).toBeLessThan(1e-6);
    });
  }
});
