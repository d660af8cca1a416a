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

describe("featureDefinitions (the registry)", () => {
  it("holds the v1 features, named as the spec's vectors and the models expect", () => {
    expect(featureDefinitions.map((d) => d.name)).toEqual([
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
    ]);
  });

  it("is one consistent set at pipeline version v1.0, each entry described", () => {
    expect(FEATURE_PIPELINE_VERSION).toBe("v1.0");
    expect(assertFeatureSet(featureDefinitions)).toBe("v1.0");
    for (const definition of featureDefinitions) {
      expect(definition.description.length).toBeGreaterThan(10);
      expect(definition.inputs.length).toBeGreaterThan(0);
    }
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
