import type { Bar } from "../market/bar";
import { type BarField, fieldSource, type SourceScope } from "./bar-source";
import { Ema } from "./indicators/ema";
import { Macd } from "./indicators/macd";
import { Returns } from "./indicators/returns";
import { Rsi } from "./indicators/rsi";
import { Volatility } from "./indicators/volatility";
import { VolumeRatio } from "./indicators/volume-ratio";

/**
 * The version of the feature computations as a whole. Any change to what a feature means or how
 * it is computed bumps it: it is part of every cache key and every vector, so values of two
 * pipelines never mix and a model can refuse features it was not trained on.
 */
export const FEATURE_PIPELINE_VERSION = "v1.0";

/** Reads a feature's value once the series' sources have taken `bar`; undefined while warming up. */
export type FeatureReader = (bar: Bar) => number | undefined;

export interface FeatureDefinition {
  /** snake_case; the key in every feature vector. */
  readonly name: string;
  readonly description: string;
  /** The bar fields the value depends on. */
  readonly inputs: readonly BarField[];
  /** Bars of a series up to and including the first with a value (a series with gaps counts bars, not time). */
  readonly warmup: number;
  /** Bars the value depends on once warm, or `recursive` when every past bar has a (decaying) weight. */
  readonly window: number | "recursive";
  /** The pipeline version this definition belongs to. */
  readonly version: string;
  /**
   * Called once per series: takes the shared sources the feature needs from `scope` and returns
   * its reader. The reader sees the current bar and the sources' state after it; nothing later.
   */
  readonly bind: (scope: SourceScope) => FeatureReader;
}

const featureNamePattern = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Checks a definition's own fields; throws a RangeError naming what is wrong. */
export function defineFeature(definition: FeatureDefinition): FeatureDefinition {
  const { name, warmup, window } = definition;
  if (!featureNamePattern.test(name)) throw new RangeError(`feature name must be snake_case, got "${name}"`);
  if (!Number.isInteger(warmup) || warmup < 1) {
    throw new RangeError(`feature ${name}: warmup must be a positive integer, got ${warmup}`);
  }
  if (window !== "recursive" && (!Number.isInteger(window) || window < 1 || window > warmup)) {
    throw new RangeError(`feature ${name}: window must be "recursive" or an integer in 1..warmup, got ${window}`);
  }
  if (definition.inputs.length === 0) throw new RangeError(`feature ${name}: inputs must not be empty`);
  if (definition.version.length === 0) throw new RangeError(`feature ${name}: version must not be empty`);
  return Object.freeze({ ...definition, inputs: Object.freeze([...definition.inputs]) });
}

/**
 * Checks a set of definitions can form one pipeline: at least one, unique names, one version.
 * Returns that version.
 */
export function assertFeatureSet(definitions: readonly FeatureDefinition[]): string {
  const first = definitions[0];
  if (first === undefined) throw new RangeError("a feature pipeline needs at least one feature");
  const names = new Set<string>();
  for (const definition of definitions) {
    if (names.has(definition.name)) throw new RangeError(`feature ${definition.name} is defined twice`);
    names.add(definition.name);
    if (definition.version !== first.version) {
      throw new RangeError(
        `feature ${definition.name} is version ${definition.version}, the others ${first.version}: one pipeline, one version`,
      );
    }
  }
  return first.version;
}

const closeReturn1 = fieldSource("close", () => new Returns(1, "simple"));
const closeReturn5 = fieldSource("close", () => new Returns(5, "simple"));
const closeReturn20 = fieldSource("close", () => new Returns(20, "simple"));
const closeLogReturn1 = fieldSource("close", () => new Returns(1, "log"));
const closeVolatility20 = fieldSource("close", () => new Volatility(20));
const closeRsi14 = fieldSource("close", () => new Rsi(14));
const closeEma12 = fieldSource("close", () => new Ema(12));
const closeEma26 = fieldSource("close", () => new Ema(26));
const closeMacd = fieldSource("close", () => new Macd(12, 26, 9));
const volumeRatio20 = fieldSource("volume", () => new VolumeRatio(20));

const version = FEATURE_PIPELINE_VERSION;

/**
 * The registry: every feature the pipeline computes, in the order vectors list them. Adding a
 * feature here puts it in the pipeline, the cache payload and the generic warm-up and lookahead
 * tests; the reference test then fails until it gets an independent reference.
 */
export const featureDefinitions: readonly FeatureDefinition[] = Object.freeze([
  defineFeature({
    name: "price",
    description: "Close of the bar.",
    inputs: ["close"],
    warmup: 1,
    window: 1,
    version,
    bind: () => (bar) => bar.close,
  }),
  defineFeature({
    name: "returns_1",
    description: "Simple return over 1 bar: close_t / close_{t-1} - 1.",
    inputs: ["close"],
    warmup: 2,
    window: 2,
    version,
    bind: (scope) => {
      const source = scope.use(closeReturn1);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "returns_5",
    description: "Simple return over 5 bars: close_t / close_{t-5} - 1.",
    inputs: ["close"],
    warmup: 6,
    window: 6,
    version,
    bind: (scope) => {
      const source = scope.use(closeReturn5);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "returns_20",
    description: "Simple return over 20 bars: close_t / close_{t-20} - 1.",
    inputs: ["close"],
    warmup: 21,
    window: 21,
    version,
    bind: (scope) => {
      const source = scope.use(closeReturn20);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "log_return_1",
    description: "Log return over 1 bar: ln(close_t / close_{t-1}).",
    inputs: ["close"],
    warmup: 2,
    window: 2,
    version,
    bind: (scope) => {
      const source = scope.use(closeLogReturn1);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "volatility_20",
    description: "Sample standard deviation (n-1) of the last 20 one-bar log returns; per bar, not annualised.",
    inputs: ["close"],
    warmup: 21,
    window: 21,
    version,
    bind: (scope) => {
      const source = scope.use(closeVolatility20);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "rsi_14",
    description: "Wilder's RSI over 14 bars (0..100), averages seeded by the simple mean of the first 14 changes.",
    inputs: ["close"],
    warmup: 15,
    window: "recursive",
    version,
    bind: (scope) => {
      const source = scope.use(closeRsi14);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "ema_12",
    description: "EMA of the close, alpha = 2/13, seeded by the SMA of the first 12 closes.",
    inputs: ["close"],
    warmup: 12,
    window: "recursive",
    version,
    bind: (scope) => {
      const source = scope.use(closeEma12);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "ema_26",
    description: "EMA of the close, alpha = 2/27, seeded by the SMA of the first 26 closes.",
    inputs: ["close"],
    warmup: 26,
    window: "recursive",
    version,
    bind: (scope) => {
      const source = scope.use(closeEma26);
      return () => source.indicator.value();
    },
  }),
  defineFeature({
    name: "macd",
    description: "MACD line: EMA(12) - EMA(26) of the close.",
    inputs: ["close"],
    warmup: 26,
    window: "recursive",
    version,
    bind: (scope) => {
      const source = scope.use(closeMacd);
      return () => source.indicator.macdLine();
    },
  }),
  defineFeature({
    name: "macd_signal",
    description: "EMA(9) of the MACD line, seeded by the SMA of its first 9 values.",
    inputs: ["close"],
    warmup: 34,
    window: "recursive",
    version,
    bind: (scope) => {
      const source = scope.use(closeMacd);
      return () => source.indicator.value()?.signal;
    },
  }),
  defineFeature({
    name: "macd_histogram",
    description: "MACD line minus its signal.",
    inputs: ["close"],
    warmup: 34,
    window: "recursive",
    version,
    bind: (scope) => {
      const source = scope.use(closeMacd);
      return () => source.indicator.value()?.histogram;
    },
  }),
  defineFeature({
    name: "volume_ratio",
    description:
      "Volume over the mean volume of the previous 20 bars (current bar excluded); absent while those 20 bars traded nothing.",
    inputs: ["volume"],
    warmup: 21,
    window: 21,
    version,
    bind: (scope) => {
      const source = scope.use(volumeRatio20);
      return () => source.indicator.value();
    },
  }),
]);
