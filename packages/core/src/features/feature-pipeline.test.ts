import { describe, expect, it } from "vitest";
import { type Bar, timeframeMs } from "../market/bar";
import type { BarSource, SourceDefinition } from "./bar-source";
import {
  defineFeature,
  FEATURE_PIPELINE_VERSION,
  type FeatureDefinition,
  featureDefinitions,
} from "./feature-definitions";
import {
  BarRejectedError,
  batchCompute,
  FeatureComputationError,
  FeaturePipeline,
  SymbolFeatureState,
} from "./feature-pipeline";
import { type FeatureVector, featureVectorSchema } from "./feature-vector";
import { captureError } from "./testing/capture-error";
import { barAt, interleave, randomWalkBars, seededUniform } from "./testing/random-walk-bars";

function rejection(run: () => unknown): BarRejectedError {
  const error = captureError(run);
  if (!(error instanceof BarRejectedError)) throw new Error(`expected a BarRejectedError, got ${String(error)}`);
  return error;
}

describe("SymbolFeatureState", () => {
  it("stamps each vector with the bar's END time, its series and the pipeline version", () => {
    const cases = [
      ["1min", "2025-01-02T14:31:00.000Z"],
      ["5min", "2025-01-02T14:35:00.000Z"],
      ["1hour", "2025-01-02T15:30:00.000Z"],
    ] as const;
    for (const [timeframe, end] of cases) {
      const state = new SymbolFeatureState("AAPL", timeframe);
      // barAt(0) opens at 2025-01-02T14:30:00Z.
      const vector = state.update(barAt(0, 175.23, 1_000, "AAPL", timeframe));
      expect(vector).toEqual({
        symbol: "AAPL",
        timeframe,
        timestamp: end,
        features: { price: 175.23, hl_range: 0 },
        version: FEATURE_PIPELINE_VERSION,
      });
      expect(featureVectorSchema.safeParse(vector).success).toBe(true);
    }
  });

  it("lists only warm features, each from exactly its definition's warm-up on (ranks: never, alone)", () => {
    const bars = randomWalkBars(200, { seed: 3 });
    const state = new SymbolFeatureState("TEST", "1min");
    const vectors = bars.map((bar) => state.update(bar));
    for (const definition of featureDefinitions) {
      const present = vectors.map((v) => definition.name in v.features);
      if (definition.crossSectional === true) {
        // A state on its own has no other symbol to rank against.
        expect(present.some(Boolean), definition.name).toBe(false);
        continue;
      }
      expect(present.indexOf(true), definition.name).toBe(definition.warmup - 1);
      expect(present.slice(definition.warmup - 1).every(Boolean), definition.name).toBe(true);
    }
    expect(Object.keys(vectors[199]?.features ?? {})).toEqual(
      featureDefinitions.filter((d) => d.crossSectional !== true).map((d) => d.name),
    );
  });

  it("counts bars, not clock time: a gap changes the timestamps only", () => {
    const contiguous = randomWalkBars(60, { seed: 5 });
    // Same bars, with an overnight-sized gap before bar 30.
    const gapped = contiguous.map((bar, i) => (i >= 30 ? { ...bar, time: bar.time + 17 * 3_600_000 } : bar));
    const a = batchCompute(contiguous);
    const b = batchCompute(gapped);
    expect(b.map((v) => v.features)).toEqual(a.map((v) => v.features));
    expect(b[30]?.timestamp).not.toBe(a[30]?.timestamp);
  });

  it("rejects a duplicate or older bar with a typed error, having changed nothing", () => {
    const bars = randomWalkBars(40, { seed: 11 });
    const state = new SymbolFeatureState("TEST", "1min");
    const clean = new SymbolFeatureState("TEST", "1min");
    for (const bar of bars.slice(0, 30)) {
      state.update(bar);
      clean.update(bar);
    }
    const last = bars[29] as Bar;
    const duplicate = rejection(() => state.update({ ...last, close: last.close * 1.5 }));
    expect(duplicate.reason).toBe("duplicate");
    const older = rejection(() => state.update(bars[10] as Bar));
    expect(older.reason).toBe("out-of-order");
    expect(older.message).toMatch(/out-of-order/);
    expect(state.barCount).toBe(30);
    expect(state.lastBarTime).toBe(last.time);
    for (const bar of bars.slice(30)) expect(state.update(bar)).toStrictEqual(clean.update(bar));
  });

  it("rejects a bar with a value no indicator can take, before any indicator moves", () => {
    const state = new SymbolFeatureState("TEST", "1min");
    const clean = new SymbolFeatureState("TEST", "1min");
    for (let i = 0; i < 25; i += 1) {
      state.update(barAt(i, 100 + i));
      clean.update(barAt(i, 100 + i));
    }
    const next = barAt(25, 130);
    const invalid: Bar[] = [
      { ...next, close: Number.NaN },
      { ...next, close: 0 },
      { ...next, low: -1 },
      { ...next, high: Number.POSITIVE_INFINITY },
      { ...next, volume: -5 },
      { ...next, volume: Number.NaN },
      { ...next, time: next.time + 0.5 },
    ];
    for (const bar of invalid) expect(rejection(() => state.update(bar)).reason).toBe("invalid");
    expect(state.update(next)).toStrictEqual(clean.update(next));
  });

  it("rejects a bar of another series", () => {
    const state = new SymbolFeatureState("AAPL", "1min");
    expect(rejection(() => state.update(barAt(0, 10, 1, "MSFT"))).reason).toBe("wrong-series");
    expect(rejection(() => state.update(barAt(0, 10, 1, "AAPL", "5min"))).reason).toBe("wrong-series");
    expect(state.barCount).toBe(0);
  });

  it("starts over after reset()", () => {
    const bars = randomWalkBars(50, { seed: 2 });
    const state = new SymbolFeatureState("TEST", "1min");
    for (const bar of bars) state.update(bar);
    state.reset();
    expect([state.barCount, state.lastBarTime, state.latest()]).toEqual([0, undefined, undefined]);
    expect(bars.map((bar) => state.update(bar))).toStrictEqual(batchCompute(bars));
  });

  it("updates a source shared by several features once per bar", () => {
    let created = 0;
    let updates = 0;
    const counter: SourceDefinition<BarSource & { count: number }> = {
      key: "test:counter",
      create: () => {
        created += 1;
        const source = {
          count: 0,
          update: () => {
            updates += 1;
            source.count += 1;
          },
          reset: () => {
            source.count = 0;
          },
        };
        return source;
      },
    };
    const reading = (name: string, scale: number): FeatureDefinition =>
      defineFeature({
        name,
        description: "Reads the shared counter.",
        inputs: ["close"],
        warmup: 1,
        window: 1,
        version: FEATURE_PIPELINE_VERSION,
        bind: (scope) => {
          const source = scope.use(counter);
          return () => source.count * scale;
        },
      });
    const state = new SymbolFeatureState("TEST", "1min", {
      definitions: [reading("once", 1), reading("twice", 2), reading("thrice", 3)],
    });
    state.update(barAt(0, 10));
    const vector = state.update(barAt(1, 11));
    expect(vector.features).toEqual({ once: 2, twice: 4, thrice: 6 });
    expect([created, updates]).toEqual([1, 2]);
  });

  it("throws a FeatureComputationError when a feature computes a non-finite value", () => {
    const broken = defineFeature({
      name: "broken",
      description: "Divides by zero on purpose.",
      inputs: ["close"],
      warmup: 1,
      window: 1,
      version: FEATURE_PIPELINE_VERSION,
      bind: () => (bar) => bar.close / 0,
    });
    const state = new SymbolFeatureState("TEST", "1min", { definitions: [broken] });
    const error = captureError(() => state.update(barAt(0, 10)));
    expect(error).toBeInstanceOf(FeatureComputationError);
    expect(error).toMatchObject({ feature: "broken", value: Number.POSITIVE_INFINITY });
  });
});

describe("FeaturePipeline and batchCompute", () => {
  const series = [
    randomWalkBars(600, { symbol: "AAPL", seed: 21 }),
    randomWalkBars(600, { symbol: "MSFT", seed: 22, startPrice: 420 }),
    randomWalkBars(600, { symbol: "SPY", seed: 23, startPrice: 580, volatility: 0.004 }),
    randomWalkBars(150, { symbol: "AAPL", timeframe: "5min", seed: 24 }),
    randomWalkBars(150, { symbol: "MSFT", timeframe: "5min", seed: 25 }),
  ];
  const bars = interleave(series);

  it("recomputing from scratch equals the live, incremental values exactly", () => {
    const pipeline = new FeaturePipeline();
    const live: FeatureVector[] = [];
    for (const [i, bar] of bars.entries()) {
      live.push(pipeline.update(bar));
      // A live feed also delivers the odd replayed bar; the pipeline refuses it and carries on.
      if (i % 97 === 0) expect(() => pipeline.update(bar)).toThrow(BarRejectedError);
    }
    expect(batchCompute(bars)).toStrictEqual(live);
    expect(pipeline.size).toBe(5);
    expect(pipeline.latest("SPY", "1min")).toStrictEqual(live.filter((v) => v.symbol === "SPY").at(-1));
  });

  it("keeps series apart: a series computed alone equals its slice of the interleaved run, ranks aside", () => {
    const together = batchCompute(bars);
    const withoutRanks = (vector: FeatureVector) => ({
      ...vector,
      features: Object.fromEntries(Object.entries(vector.features).filter(([name]) => !name.startsWith("rank_"))),
    });
    for (const one of series) {
      const first = one[0] as Bar;
      const slice = together.filter((v) => v.symbol === first.symbol && v.timeframe === first.timeframe);
      const alone = batchCompute(one);
      expect(alone.map(withoutRanks)).toStrictEqual(slice.map(withoutRanks));
      // Alone there is nobody to rank against; together, every warm bar after the first has ranks.
      expect(alone.some((v) => "rank_returns_5" in v.features)).toBe(false);
      expect(slice.at(-1)?.features).toHaveProperty("rank_returns_5");
    }
  });

  it("ranks each timeframe's symbols among themselves only", () => {
    // 5min: AAPL and MSFT only, so each ranks against exactly one other value: 0, ½ or 1.
    const ranks = batchCompute(bars)
      .filter((v) => v.timeframe === "5min")
      .flatMap((v) => (v.features.rank_rsi_14 === undefined ? [] : [v.features.rank_rsi_14]));
    expect(ranks.length).toBeGreaterThan(200);
    expect(new Set(ranks)).toEqual(new Set([0, 1]));
  });

  it("gives the same vectors whatever the order of the bars within a time step", () => {
    const uniform = seededUniform(77);
    const shuffled = [...bars]
      .map((bar) => ({ bar, key: uniform() }))
      .sort((a, b) => a.bar.time - b.bar.time || a.key - b.key)
      .map(({ bar }) => bar);
    expect(shuffled.map((b) => b.symbol)).not.toEqual(bars.map((b) => b.symbol));
    const byBar = (vectors: FeatureVector[]) =>
      new Map(vectors.map((v) => [`${v.symbol}/${v.timeframe}/${v.timestamp}`, v]));
    expect(byBar(batchCompute(shuffled))).toStrictEqual(byBar(batchCompute(bars)));
  });

  it("gives the same vectors when bars arrive early, except the ranks of the symbols ahead", () => {
    // AAPL's bars arrive 2 time steps before SPY's, MSFT's 1 step before (a lagging feed for the
    // others). The laggards (SPY; MSFT on 5min) rank against exactly the values of a sorted
    // replay: the leaders' previous bars are still in their rings. A symbol ahead of a laggard's
    // previous bar ranks against an older value of it: causal (see the lookahead test), not the
    // replay's. Every other feature is per series and does not move at all.
    const lead: Record<string, number> = { AAPL: 2, MSFT: 1 };
    const arrival = (bar: Bar) => bar.time - (lead[bar.symbol] ?? 0) * timeframeMs[bar.timeframe];
    const skewed = [...bars].sort((a, b) => arrival(a) - arrival(b) || a.symbol.localeCompare(b.symbol));
    const key = (v: FeatureVector) => `${v.symbol}/${v.timeframe}/${v.timestamp}`;
    const sorted = new Map(batchCompute(bars).map((v) => [key(v), v]));
    const early = new Map(batchCompute(skewed).map((v) => [key(v), v]));
    const laggard = (v: FeatureVector) => v.symbol === (v.timeframe === "1min" ? "SPY" : "MSFT");
    const ranksAside = (v: FeatureVector | undefined) =>
      Object.entries(v?.features ?? {}).filter(([name]) => !name.startsWith("rank_"));
    expect(early.size).toBe(sorted.size);
    let leadersDiffer = 0;
    for (const [k, vector] of early) {
      const expected = sorted.get(k);
      if (laggard(vector)) {
        expect(vector, k).toStrictEqual(expected);
      } else {
        expect(ranksAside(vector), k).toStrictEqual(ranksAside(expected));
        if (vector.features.rank_returns_5 !== expected?.features.rank_returns_5) leadersDiffer += 1;
      }
    }
    expect(leadersDiffer).toBeGreaterThan(0);
  });

  it("leaves a symbol out of the others' ranks once it is removed or reset", () => {
    const pair = interleave([
      randomWalkBars(40, { symbol: "AAA", seed: 1 }),
      randomWalkBars(40, { symbol: "BBB", seed: 2 }),
    ]);
    const pipeline = new FeaturePipeline();
    for (const bar of pair.slice(0, 60)) pipeline.update(bar);
    expect(pipeline.latest("BBB", "1min")?.features).toHaveProperty("rank_returns_5");
    pipeline.remove("AAA", "1min");
    expect(pipeline.update(pair[61] as Bar).features).not.toHaveProperty("rank_returns_5");
    // AAA comes back (afresh): not warm yet, so still no rank for BBB.
    pipeline.update(pair[62] as Bar);
    expect(pipeline.update(pair[63] as Bar).features).not.toHaveProperty("rank_returns_5");
    // A reset state leaves too.
    const again = new FeaturePipeline();
    for (const bar of pair.slice(0, 60)) again.update(bar);
    again.state("AAA", "1min")?.reset();
    expect(again.update(pair[61] as Bar).features).not.toHaveProperty("rank_returns_5");
  });

  it("lists a rank from its warm-up once another symbol had a value before, else one bar later", () => {
    // Three symbols from the same minute: at a symbol's first warm bar the others' values are from
    // the same minute, which never counts, so ranks start one bar after the own warm-up. A symbol
    // joining later finds the others warm: its ranks start exactly at its own warm-up.
    const late = Date.UTC(2025, 9, 21, 13, 30) + 100 * 60_000;
    const run = batchCompute(
      interleave([
        randomWalkBars(240, { symbol: "AAA", seed: 4 }),
        randomWalkBars(240, { symbol: "BBB", seed: 5 }),
        randomWalkBars(240, { symbol: "CCC", seed: 6 }),
        randomWalkBars(130, { symbol: "LATE", seed: 7, startTime: late }),
      ]),
    );
    for (const definition of featureDefinitions) {
      for (const symbol of ["AAA", "LATE"]) {
        const present = run.filter((v) => v.symbol === symbol).map((v) => definition.name in v.features);
        const first = definition.warmup - 1 + (definition.crossSectional === true && symbol === "AAA" ? 1 : 0);
        expect(present.indexOf(true), `${definition.name} of ${symbol}`).toBe(first);
        expect(present.slice(first).every(Boolean), `${definition.name} of ${symbol}`).toBe(true);
      }
    }
  });

  it("registers no series for a rejected first bar, and forgets a removed one", () => {
    const pipeline = new FeaturePipeline();
    expect(() => pipeline.update({ ...barAt(0, 10), close: Number.NaN })).toThrow(BarRejectedError);
    expect(pipeline.size).toBe(0);
    pipeline.update(barAt(0, 10));
    expect(pipeline.remove("TEST", "1min")).toBe(true);
    expect(pipeline.latest("TEST", "1min")).toBeUndefined();
    // Starts afresh: an earlier bar is no longer out of order.
    expect(pipeline.update(barAt(0, 10)).features).toEqual({ price: 10, hl_range: 0 });
  });

  it("refuses an inconsistent feature set up front", () => {
    const price = featureDefinitions[0] as FeatureDefinition;
    expect(() => new FeaturePipeline({ definitions: [price, price] })).toThrow(/defined twice/);
    expect(() => batchCompute([], { definitions: [] })).toThrow(/at least one/);
  });
});

it("all bars of a time step are stamped alike whatever the series", () => {
  const a = barAt(3, 10, 1, "AAA");
  const b = barAt(3, 20, 1, "BBB");
  const [va, vb] = batchCompute([a, b]);
  expect(va?.timestamp).toBe(new Date(a.time + timeframeMs["1min"]).toISOString());
  expect(vb?.timestamp).toBe(va?.timestamp);
});
