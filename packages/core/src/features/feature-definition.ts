import type { Bar } from "../market/bar";
import type { BarField, SourceScope } from "./bar-source";

/**
 * The version of the feature computations as a whole. Any change to what a feature means or how
 * it is computed bumps it: it is part of every cache key and every vector, so values of two
 * pipelines never mix and a model can refuse features it was not trained on.
 */
export const FEATURE_PIPELINE_VERSION = "v2.0";

/** Reads a feature's value once the series' sources have taken `bar`; undefined while warming up. */
export type FeatureReader = (bar: Bar) => number | undefined;

export interface FeatureDefinition {
  /** snake_case; the key in every feature vector. */
  readonly name: string;
  readonly description: string;
  /** The bar fields the value depends on. */
  readonly inputs: readonly BarField[];
  /**
   * Bars of a series up to and including the first with a value (a series with gaps counts bars,
   * not time). For a cross-sectional feature, the bars of its own series; it also needs another
   * symbol with a value (see `crossSectional`).
   */
  readonly warmup: number;
  /**
   * Bars the value depends on once warm; `recursive` when every past bar has a decaying weight
   * (EMA, Wilder's smoothing); `cumulative` when every past bar counts in full (OBV's running sum).
   */
  readonly window: number | "recursive" | "cumulative";
  /** The pipeline version this definition belongs to. */
  readonly version: string;
  /**
   * True when the value also depends on the other symbols of the timeframe (a cross-sectional
   * rank; see `cross-section.ts`): absent while no other symbol has a value to rank against.
   */
  readonly crossSectional?: boolean;
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
  if (typeof window === "number" && (!Number.isInteger(window) || window < 1 || window > warmup)) {
    throw new RangeError(
      `feature ${name}: window must be "recursive", "cumulative" or an integer in 1..warmup, got ${window}`,
    );
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
