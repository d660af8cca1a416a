import { z } from "zod";
import { maxExactShapleyFeatures } from "../explain/shapley";
import { FEATURE_PIPELINE_VERSION, featureDefinitions } from "../features/feature-definitions";
import { barEndTime, timeframes } from "../market/bar";
import { regimeProcessConfigSchema } from "../market/regime-process";
import { MAX_SYMBOL_COUNT } from "../market/universe";
import { type SignalClass, signalClasses } from "../models/labels";
import { exportMlpToOnnx } from "../models/onnx-export";
import {
  type SpecialistMetrics,
  type SpecialistName,
  type SpecialistOptions,
  specialistNames,
  specialistOptionsSchema,
  specialistRegime,
  trainAllSpecialists,
} from "../models/specialist";
import type { Clock } from "../ports/clock";
import { type Logger, silentLogger } from "../ports/logger";
import { Prng } from "../random/prng";
import { RegimeDetector, type RegimeModel } from "../regime/regime-detector";
import type { RegimeLabel } from "../regime/regime-labels";
import { type ShapBackground, sampleShapBackground } from "./shap-background";
import { type BarHistory, historyDataHash, simulateHistory } from "./simulated-history";
import { buildTrainingSet, computeHistoryFeatures, regimeSequences, type TrainingSet } from "./training-set";

const pipelineFeatureNames = featureDefinitions.map((definition) => definition.name);

/**
 * The specialists' inputs: every pipeline feature but `price`, whose level only tells listings
 * apart. Twelve features keep exact Shapley explanations affordable (2^12 coalitions).
 */
/**
 * The specialists' inputs: a fixed subset of the registry, because exact Shapley explanations cost
 * 2^F model evaluations per decision (12 features: 4,096 coalitions). Changing it retrains models.
 */
export const defaultModelFeatureNames: readonly string[] = Object.freeze([
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

const regimeFitOptionsSchema = z.object({
  restarts: z.int().min(0).max(100).optional(),
  screeningIterations: z.int().min(1).max(100_000).optional(),
  maxIterations: z.int().min(1).max(100_000).optional(),
  tolerance: z.number().finite().positive().optional(),
});

/**
 * Sizes and settings of the first-start training. The defaults (10 symbols × 20,000 one-minute
 * bars) favour a long history over a wide one: every symbol shares the one simulated market
 * regime, so only more bars bring more regime episodes (about one per 280 bars) to learn from.
 */
export const bootstrapOptionsSchema = z.object({
  /** Seeds the simulated history, the regime fit, the specialists and the background sample. */
  seed: z.int().refine(Number.isSafeInteger, "seed must be a safe integer"),
  /** The history's last bar is the last one complete at or before this time (epoch ms). */
  now: z.int().nonnegative(),
  symbols: z.int().min(1).max(MAX_SYMBOL_COUNT).default(10),
  /** Bars per symbol. */
  bars: z.int().min(200).max(1_000_000).default(20_000),
  timeframe: z.enum(timeframes).default("1min"),
  /** The simulated market's regime process per bar; the simulator's default for the timeframe when absent. */
  market: regimeProcessConfigSchema.optional(),
  /** Label horizon in bars. */
  horizon: z.int().positive().default(60),
  /** Forward return beyond ±threshold over the horizon is BUY / SELL, HOLD otherwise. */
  threshold: z.number().finite().nonnegative().default(0.004),
  featureNames: z
    .array(z.enum(pipelineFeatureNames as [string, ...string[]]))
    .min(1)
    .max(maxExactShapleyFeatures)
    .refine((names) => new Set(names).size === names.length, "feature names must be distinct")
    .default([...defaultModelFeatureNames]),
  /** Rows in the SHAP background sample. */
  backgroundSize: z.int().min(1).max(1000).default(50),
  regime: regimeFitOptionsSchema.default({}),
});

export type BootstrapOptions = z.input<typeof bootstrapOptionsSchema>;

export interface BootstrapInput extends BootstrapOptions {
  /**
   * Specialist training settings (see `specialistOptionsSchema`); `horizon` is derived. Classes
   * are NOT rebalanced unless asked: the decision score is P(BUY) − P(SELL), which should stay a
   * calibrated estimate, and rebalancing inflates the rare classes' probabilities.
   */
  readonly specialist?: Omit<SpecialistOptions, "horizon">;
  /** Measures `durationMs` and the phases; nothing else reads it. */
  readonly clock: Clock;
  readonly logger?: Logger;
}

export interface BootstrapSpecialistMetrics extends SpecialistMetrics {
  /** Regime-weighted share of the most frequent class among the validation rows: accuracy to beat. */
  readonly validationMajorityRate: number;
  /** Validation cross-entropy of always predicting the training class shares: loss to beat. */
  readonly validationPriorLoss: number;
}

export interface BootstrappedSpecialist {
  readonly name: SpecialistName;
  /** The ONNX model: `features` [batch, featureNames.length] → `probabilities` [batch, 3] (SELL, HOLD, BUY). */
  readonly onnx: Uint8Array;
  readonly featureNames: readonly string[];
  readonly metrics: BootstrapSpecialistMetrics;
}

export interface BootstrapResult {
  readonly regimeModel: RegimeModel;
  readonly specialists: readonly BootstrappedSpecialist[];
  readonly background: ShapBackground;
  /** SHA-256 of the generated history (see `historyDataHash`). */
  readonly dataHash: string;
  readonly durationMs: number;
  /** Milliseconds per phase, for the start-up log. */
  readonly phasesMs: Readonly<Record<BootstrapPhase, number>>;
  /** Everything that determined the artefacts, defaults filled in. */
  readonly settings: BootstrapSettings;
  readonly summary: BootstrapSummary;
}

export type BootstrapPhase = "simulate" | "features" | "regimeFit" | "trainingSet" | "specialists" | "export";

export interface BootstrapSettings extends z.output<typeof bootstrapOptionsSchema> {
  readonly specialist: z.output<typeof specialistOptionsSchema>;
  readonly featurePipelineVersion: string;
}

export interface BootstrapSummary {
  /** Open time of the first bar and completion time of the last. */
  readonly historyStart: number;
  readonly historyEnd: number;
  readonly trainingRows: number;
  readonly labelledRows: number;
  /**
   * Share of training rows whose most probable filtered regime is the simulator's true regime:
   * how well the detector tracks the market it was fitted on. Null without ground truth.
   */
  readonly regimeAgreement: number | null;
}

/**
 * First-start training, pure and deterministic (the same input gives bit-identical artefacts):
 * simulate `bars` of history per symbol ending at `now`; compute the features with the live
 * pipeline; fit the regime HMM by Baum-Welch on every symbol's observation sequence (kept
 * separate); forward-filter each symbol's regime probabilities (no smoothing, no future); label
 * rows by forward return; train the three specialists weighted by their regime's probability;
 * export them to ONNX; draw the SHAP background sample. CPU-bound and synchronous apart from the
 * final hash: about 10 s with the defaults on one core.
 */
export async function bootstrapModels(input: BootstrapInput): Promise<BootstrapResult> {
  const { clock, logger = silentLogger, specialist: specialistInput, ...rest } = input;
  const options = bootstrapOptionsSchema.parse(rest);
  const specialistOptions = specialistOptionsSchema.parse({
    balanceClasses: false,
    ...specialistInput,
    // Rows are time-major with one row per symbol and bar, so h bars of label span h · symbols rows.
    horizon: options.horizon * options.symbols,
  });
  const started = clock.now();
  const phases: Partial<Record<BootstrapPhase, number>> = {};
  let mark = started;
  const phaseDone = (phase: BootstrapPhase, fields: Record<string, unknown> = {}): void => {
    const now = clock.now();
    phases[phase] = now - mark;
    mark = now;
    logger.info({ phase, ms: phases[phase], ...fields }, `bootstrap: ${phase} done`);
  };
  const root = Prng.fromSeed(options.seed).fork("model-bootstrap");

  const history = simulateHistory(options);
  phaseDone("simulate", { symbols: options.symbols, bars: options.bars });
  const features = computeHistoryFeatures(history, options.featureNames);
  phaseDone("features");

  const regimeRandom = root.fork("regime-fit");
  const detector = RegimeDetector.fit(regimeSequences(features), {
    ...options.regime,
    random: () => regimeRandom.next(),
  });
  const regimeModel = detector.toJSON();
  phaseDone("regimeFit", { iterations: regimeModel.fit.iterations, converged: regimeModel.fit.converged });

  const set = buildTrainingSet(history, features, regimeModel, options);
  phaseDone("trainingSet", { rows: set.rows.length });

  const trained = trainAllSpecialists({
    ...specialistOptions,
    rows: set.rows,
    labels: set.labels,
    regimeProbabilities: set.regimeProbabilities,
    featureNames: options.featureNames,
    seed: seedFrom(root.fork("specialists")),
  });
  phaseDone("specialists");

  const specialists = specialistNames.map((name): BootstrappedSpecialist => {
    const { model, featureOrder, metrics } = trained[name];
    const regime = specialistRegime[name];
    return {
      name,
      onnx: exportMlpToOnnx(model, {
        featureNames: [...featureOrder],
        graphName: name,
        docString: `${name}: P(SELL, HOLD, BUY) over the next ${options.horizon} bars from raw features`,
        // No version number inside: the registry numbers versions, and one baked in here would
        // contradict it whenever a rerun registers the same bytes again.
        metadata: {
          specialist: name,
          classes: JSON.stringify(signalClasses),
          score: "P(BUY) - P(SELL)",
          feature_pipeline_version: FEATURE_PIPELINE_VERSION,
          label_horizon_bars: String(options.horizon),
          label_threshold: String(options.threshold),
          timeframe: options.timeframe,
        },
      }),
      featureNames: [...featureOrder],
      metrics: {
        ...metrics,
        ...validationBaselines(set, regime, metrics, specialistOptions),
      },
    };
  });
  const background = sampleShapBackground(set, options.backgroundSize, root.fork("shap-background"));
  const dataHash = await historyDataHash(history);
  phaseDone("export");

  const durationMs = clock.now() - started;
  const summary = summarise(history, set);
  logger.info({ durationMs, dataHash, ...summary }, "bootstrap: models trained");
  return {
    regimeModel,
    specialists,
    background,
    dataHash,
    durationMs,
    phasesMs: phases as Record<BootstrapPhase, number>,
    settings: { ...options, specialist: specialistOptions, featurePipelineVersion: FEATURE_PIPELINE_VERSION },
    summary,
  };
}

/** A 64-bit seed drawn from `prng`. */
function seedFrom(prng: Prng): bigint {
  return (BigInt(prng.nextUint32()) << 32n) | BigInt(prng.nextUint32());
}

/**
 * The baselines a specialist's validation metrics must beat, over the same validation rows
 * `trainSpecialist` scores: the labelled rows from its chronological split point on whose regime
 * weight passes `minRegimeWeight`. The row count is checked against the trainer's own, so the two
 * cannot silently disagree.
 */
function validationBaselines(
  set: TrainingSet,
  regime: RegimeLabel,
  metrics: SpecialistMetrics,
  options: z.output<typeof specialistOptionsSchema>,
): Pick<BootstrapSpecialistMetrics, "validationMajorityRate" | "validationPriorLoss"> {
  const labelled: number[] = [];
  for (const [t, label] of set.labels.entries()) if (label !== null) labelled.push(t);
  const start = labelled[labelled.length - Math.ceil(labelled.length * options.validationFraction)] ?? set.rows.length;
  const totals: Record<SignalClass, number> = { SELL: 0, HOLD: 0, BUY: 0 };
  let rows = 0;
  let weight = 0;
  let priorLoss = 0;
  for (let t = start; t < set.rows.length; t++) {
    const label = set.labels[t];
    const w = set.regimeProbabilities[t]?.[regime] ?? 0;
    if (label === null || label === undefined || !(w > 0 && w >= options.minRegimeWeight)) continue;
    rows++;
    weight += w;
    totals[label] += w;
    priorLoss -= w * Math.log(Math.max(metrics.classBalance[label], Number.MIN_VALUE));
  }
  if (rows !== metrics.validation.rows) {
    throw new Error(`validation baseline covers ${rows} rows, the trainer scored ${metrics.validation.rows}`);
  }
  return {
    validationMajorityRate: Math.max(totals.SELL, totals.HOLD, totals.BUY) / weight,
    validationPriorLoss: priorLoss / weight,
  };
}

function summarise(history: BarHistory, set: TrainingSet): BootstrapSummary {
  const first = history.bars[0];
  const firstBar = first?.[0];
  const lastBar = first?.[first.length - 1];
  if (firstBar === undefined || lastBar === undefined) throw new RangeError("empty history");
  const truth = history.regimes;
  let agree = 0;
  for (const [r, probabilities] of set.regimeProbabilities.entries()) {
    const { bull, bear, sideways } = probabilities;
    const likeliest = bull >= bear && bull >= sideways ? "bull" : bear >= sideways ? "bear" : "sideways";
    if (truth?.[set.barIndex[r] as number] === likeliest) agree++;
  }
  return {
    historyStart: firstBar.time,
    historyEnd: barEndTime(lastBar),
    trainingRows: set.rows.length,
    labelledRows: set.labels.filter((label) => label !== null).length,
    regimeAgreement: truth === undefined || set.rows.length === 0 ? null : agree / set.rows.length,
  };
}
