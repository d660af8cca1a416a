import { describe, expect, it } from "vitest";
import {
  assertFeatureSet,
  defineFeature,
  FEATURE_PIPELINE_VERSION,
  type FeatureDefinition,
  featureDefinitions,
} from "./feature-definitions";

const base: FeatureDefinition = {
  name: "some_feature",
  description: "A test feature.",
  inputs: ["close"],
  warmup: 3,
  window: 3,
  version: FEATURE_PIPELINE_VERSION,
  bind: () => (bar) => bar.close,
};

/** The features of pipeline v1.0, which the specialist models were built on: kept, same names, same meaning. */
const v1Features = [
  "price",
  "returns_1",
  "returns_5",
  "returns_20",
  "log_return_1",
  "volatility_20",
  "rsi_14",
  "ema_12",
  "ema_26",
  "macd",
  "macd_signal",
  "macd_histogram",
  "volume_ratio",
];

describe("featureDefinitions (the registry)", () => {
  it("holds the 55 features of v2.0, in vector order", () => {
    expect(featureDefinitions.map((d) => d.name)).toEqual([
      "price",
      ...[1, 5, 15, 20, 60].map((k) => `returns_${k}`),
      ...[1, 5, 15, 20, 60].map((k) => `log_return_${k}`),
      ...[5, 20, 60].map((k) => `volatility_${k}`),
      "rsi_7",
      "rsi_14",
      ...[12, 26, 50].map((k) => `ema_${k}`),
      ...[10, 20, 50].map((k) => `sma_${k}`),
      ...[12, 26, 50].map((k) => `distance_ema_${k}`),
      ...[10, 20, 50].map((k) => `distance_sma_${k}`),
      "macd",
      "macd_signal",
      "macd_histogram",
      "bollinger_percent_b",
      "bollinger_bandwidth",
      "atr_14",
      "atr_ratio_14",
      "stochastic_k_14",
      "stochastic_d_3",
      "adx_14",
      "plus_di_14",
      "minus_di_14",
      "obv",
      "obv_slope_20",
      "obv_zscore_20",
      "volume_ratio",
      "volume_zscore_20",
      "hl_range",
      "hl_range_mean_20",
      "gap",
      "skew_20",
      "skew_60",
      "kurtosis_20",
      "kurtosis_60",
      "rank_returns_5",
      "rank_volatility_20",
      "rank_rsi_14",
    ]);
    expect(featureDefinitions.length).toBeGreaterThanOrEqual(50);
  });

  it("keeps every v1.0 feature, with its warm-up, so the models' inputs are unchanged", () => {
    const warmups = new Map(featureDefinitions.map((d) => [d.name, d.warmup]));
    expect(v1Features.map((name) => [name, warmups.get(name)])).toEqual([
      ["price", 1],
      ["returns_1", 2],
      ["returns_5", 6],
      ["returns_20", 21],
      ["log_return_1", 2],
      ["volatility_20", 21],
      ["rsi_14", 15],
      ["ema_12", 12],
      ["ema_26", 26],
      ["macd", 26],
      ["macd_signal", 34],
      ["macd_histogram", 34],
      ["volume_ratio", 21],
    ]);
  });

  it("is one consistent set at pipeline version v2.0, each entry described", () => {
    expect(FEATURE_PIPELINE_VERSION).toBe("v2.0");
    expect(assertFeatureSet(featureDefinitions)).toBe("v2.0");
    for (const definition of featureDefinitions) {
      expect(definition.description.length).toBeGreaterThan(10);
      expect(definition.inputs.length).toBeGreaterThan(0);
      expect(Object.isFrozen(definition)).toBe(true);
    }
    expect(Object.isFrozen(featureDefinitions)).toBe(true);
  });

  it("marks exactly the ranks as cross-sectional", () => {
    expect(featureDefinitions.filter((d) => d.crossSectional === true).map((d) => d.name)).toEqual([
      "rank_returns_5",
      "rank_volatility_20",
      "rank_rsi_14",
    ]);
  });
});

describe("defineFeature", () => {
  it("accepts a well-formed definition", () => {
    expect(defineFeature(base).name).toBe("some_feature");
  });

  it("refuses a name that is not snake_case", () => {
    for (const name of ["SomeFeature", "some-feature", "_x", "x__y", "x_", "1x", ""]) {
      expect(() => defineFeature({ ...base, name })).toThrow(RangeError);
    }
  });

  it("refuses a warm-up that is not a positive integer and a window beyond the warm-up", () => {
    expect(() => defineFeature({ ...base, warmup: 0 })).toThrow(RangeError);
    expect(() => defineFeature({ ...base, warmup: 2.5 })).toThrow(RangeError);
    expect(() => defineFeature({ ...base, window: 4 })).toThrow(RangeError);
    expect(() => defineFeature({ ...base, window: 0 })).toThrow(RangeError);
    expect(defineFeature({ ...base, window: "recursive" }).window).toBe("recursive");
    expect(defineFeature({ ...base, window: "cumulative" }).window).toBe("cumulative");
  });

  it("refuses empty inputs or version", () => {
    expect(() => defineFeature({ ...base, inputs: [] })).toThrow(RangeError);
    expect(() => defineFeature({ ...base, version: "" })).toThrow(RangeError);
  });
});

describe("assertFeatureSet", () => {
  it("refuses an empty set, a name twice and mixed versions", () => {
    expect(() => assertFeatureSet([])).toThrow(/at least one/);
    expect(() => assertFeatureSet([base, base])).toThrow(/defined twice/);
    expect(() => assertFeatureSet([base, { ...base, name: "other", version: "v0.9" }])).toThrow(/one version/);
  });
});
