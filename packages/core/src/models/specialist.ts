import { z } from "zod";
import { Prng, type Seed } from "../random/prng";
import type { RegimeLabel, RegimeProbabilities } from "../regime/regime-labels";
import { type SignalClass, signalClasses, signalClassIndex } from "./labels";
import { type EpochRecord, evaluateMlp, type Mlp, type TrainingSet, trainingOptionsSchema, trainMlp } from "./mlp";
import { exportMlpToOnnx } from "./onnx-export";

export const specialistNames = ["bull_specialist", "bear_specialist", "sideways_specialist"] as const;

export type SpecialistName = (typeof specialistNames)[number];

export const specialistNameSchema = z.enum(specialistNames);

/** The regime each specialist is trained on and trusted in. */
export const specialistRegime: Readonly<Record<SpecialistName, RegimeLabel>> = {
  bull_specialist: "bull",
  bear_specialist: "bear",
  sideways_specialist: "sideways",
};

/** One row of named features, as the feature pipeline produces it. */
export type FeatureRow = Readonly<Record<string, number>>;

export const specialistOptionsSchema = z.object({
  /**
   * The label horizon h. The h labelled rows just before the validation block are dropped, since
   * their label windows reach into it.
   */
  horizon: z.int().nonnegative(),
  /** Share of the labelled rows, the most recent ones, held out for early stopping. */
  validationFraction: z.number().gt(0).lt(1).default(0.2),
  /** Rows whose regime probability is below this are left out: they would cost time and teach nothing. */
  minRegimeWeight: z.number().min(0).max(1).default(0.05),
  /**
   * Reweights classes to equal total weight in training, so a mostly-HOLD history cannot teach a
   * model that always says HOLD. Reported metrics use the regime weights alone.
   */
  balanceClasses: z.boolean().default(true),
  training: trainingOptionsSchema.prefault({}),
});

export type SpecialistOptions = z.input<typeof specialistOptionsSchema>;

export interface SpecialistTrainingInput extends SpecialistOptions {
  readonly specialist: SpecialistName;
  /** Oldest first; row t's features use bars up to t only. */
  readonly rows: readonly FeatureRow[];
  /** Aligned with rows; null where no label exists (the last h rows). */
  readonly labels: readonly (SignalClass | null)[];
  /** Aligned with rows: the probability of this specialist's regime, in [0, 1]. */
  readonly regimeWeights: readonly number[];
  /** The specialist draws from its own fork of this seed, so one seed serves all three. */
  readonly seed: Seed;
  /** Input order of the model; the sorted keys of the first row when absent. */
  readonly featureNames?: readonly string[];
}

export interface SplitMetrics {
  readonly rows: number;
  /** Σ regime weights: the effective number of rows. */
  readonly weight: number;
  /** Regime-weighted mean cross-entropy. */
  readonly loss: number;
  /** Regime-weighted share of rows whose most probable class is the label. */
  readonly accuracy: number;
}

export interface SpecialistMetrics {
  readonly train: SplitMetrics;
  readonly validation: SplitMetrics;
  /** Regime-weighted share of each class among the training rows (before class balancing). */
  readonly classBalance: Readonly<Record<SignalClass, number>>;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  readonly history: readonly EpochRecord[];
}

export interface TrainedSpecialist {
  readonly specialist: SpecialistName;
  readonly model: Mlp;
  /** Feature names in model input order. */
  readonly featureOrder: readonly string[];
  readonly metrics: SpecialistMetrics;
}

/** Thrown when a regime has too few rows to train and validate a specialist. */
export class InsufficientTrainingDataError extends Error {
  constructor(
    readonly specialist: SpecialistName,
    reason: string,
  ) {
    super(`cannot train ${specialist}: ${reason}`);
    this.name = "InsufficientTrainingDataError";
  }
}

/** Row-major feature matrix in `featureOrder`; a missing or non-finite feature is an error, never a silent 0. */
export function toFeatureMatrix(rows: readonly FeatureRow[], featureOrder: readonly string[]): Float64Array {
  const width = featureOrder.length;
  const matrix = new Float64Array(rows.length * width);
  for (const [r, row] of rows.entries()) {
    for (const [i, name] of featureOrder.entries()) {
      const value = row[name];
      if (value === undefined || !Number.isFinite(value)) {
        throw new RangeError(`row ${r}: feature ${name} is ${value === undefined ? "missing" : value}`);
      }
      matrix[r * width + i] = value;
    }
  }
  return matrix;
}

function subset(
  features: Float64Array,
  width: number,
  indices: readonly number[],
  labels: readonly (SignalClass | null)[],
  weightOf: (row: number) => number,
): TrainingSet {
  const x = new Float64Array(indices.length * width);
  const y = new Uint8Array(indices.length);
  const w = new Float64Array(indices.length);
  for (const [k, row] of indices.entries()) {
    x.set(features.subarray(row * width, (row + 1) * width), k * width);
    y[k] = signalClassIndex[labels[row] as SignalClass];
    w[k] = weightOf(row);
  }
  return { features: x, labels: y, weights: w, rows: indices.length };
}

function uniformFrom(prng: Prng): () => number {
  return () => prng.next();
}

/**
 * Trains one specialist on the history of its regime.
 *
 * Rows are weighted by the regime's filtered probability rather than assigned to the most likely
 * regime: the meta-controller blends specialists by those probabilities, so each specialist should
 * minimise its loss where (and as much as) its regime holds — the responsibility-weighted fit of a
 * mixture of experts. Hard assignment would throw away the uncertainty near regime changes and
 * flip whole stretches of history between specialists on small probability moves. Rows below
 * `minRegimeWeight` are dropped only to save time.
 *
 * The split is chronological — validation is the most recent block — with the `horizon` rows
 * before it purged, so no training label sees a bar that a validation row is scored on.
 */
export function trainSpecialist(input: SpecialistTrainingInput): TrainedSpecialist {
  const options = specialistOptionsSchema.parse(input);
  const specialist = specialistNameSchema.parse(input.specialist);
  const { rows, labels, regimeWeights } = input;
  if (labels.length !== rows.length || regimeWeights.length !== rows.length) {
    throw new RangeError(
      `rows (${rows.length}), labels (${labels.length}) and regimeWeights (${regimeWeights.length}) must align`,
    );
  }
  for (const [t, w] of regimeWeights.entries()) {
    if (!(w >= 0 && w <= 1)) throw new RangeError(`regimeWeights[${t}] must lie in [0, 1], got ${w}`);
  }
  const firstRow = rows[0];
  if (!firstRow) throw new InsufficientTrainingDataError(specialist, "no rows");
  const featureOrder = [...(input.featureNames ?? Object.keys(firstRow).sort())];
  if (featureOrder.length === 0) throw new RangeError("no features");
  const features = toFeatureMatrix(rows, featureOrder);
  const width = featureOrder.length;

  const labelled: number[] = [];
  for (const [t, label] of labels.entries()) if (label !== null) labelled.push(t);
  const validationCount = Math.ceil(labelled.length * options.validationFraction);
  const validationStart = labelled[labelled.length - validationCount];
  if (validationStart === undefined || validationCount === 0) {
    throw new InsufficientTrainingDataError(specialist, "no labelled rows");
  }
  const kept = (t: number): boolean => {
    const w = regimeWeights[t] as number;
    return w > 0 && w >= options.minRegimeWeight;
  };
  const trainRows = labelled.filter((t) => t + options.horizon < validationStart && kept(t));
  const validationRows = labelled.filter((t) => t >= validationStart && kept(t));
  if (trainRows.length === 0 || validationRows.length === 0) {
    throw new InsufficientTrainingDataError(
      specialist,
      `${trainRows.length} training and ${validationRows.length} validation rows have regime weight ≥ ${options.minRegimeWeight}`,
    );
  }

  const classTotals = [0, 0, 0];
  let totalWeight = 0;
  for (const t of trainRows) {
    const k = signalClassIndex[labels[t] as SignalClass];
    classTotals[k] = (classTotals[k] as number) + (regimeWeights[t] as number);
    totalWeight += regimeWeights[t] as number;
  }
  const classWeight = classTotals.map((total) =>
    !options.balanceClasses ? 1 : total > 0 ? totalWeight / (signalClasses.length * total) : 0,
  );
  const regimeWeight = (t: number): number => regimeWeights[t] as number;
  const trainingWeight = (t: number): number =>
    (regimeWeights[t] as number) * (classWeight[signalClassIndex[labels[t] as SignalClass]] as number);

  const result = trainMlp(
    {
      train: subset(features, width, trainRows, labels, trainingWeight),
      validation: subset(features, width, validationRows, labels, trainingWeight),
      outputs: signalClasses.length,
    },
    options.training,
    uniformFrom(Prng.fromSeed(input.seed).fork(specialist)),
  );

  const splitMetrics = (indices: readonly number[]): SplitMetrics => {
    const set = subset(features, width, indices, labels, regimeWeight);
    const { loss, accuracy } = evaluateMlp(result.model, set);
    return { rows: indices.length, weight: indices.reduce((sum, t) => sum + regimeWeight(t), 0), loss, accuracy };
  };
  return {
    specialist,
    model: result.model,
    featureOrder,
    metrics: {
      train: splitMetrics(trainRows),
      validation: splitMetrics(validationRows),
      classBalance: {
        SELL: (classTotals[0] as number) / totalWeight,
        HOLD: (classTotals[1] as number) / totalWeight,
        BUY: (classTotals[2] as number) / totalWeight,
      },
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      history: result.history,
    },
  };
}

export interface AllSpecialistsInput extends SpecialistOptions {
  readonly rows: readonly FeatureRow[];
  readonly labels: readonly (SignalClass | null)[];
  /** Aligned with rows: filtered (never smoothed) regime probabilities. */
  readonly regimeProbabilities: readonly RegimeProbabilities[];
  readonly seed: Seed;
  readonly featureNames?: readonly string[];
}

/** The three specialists, each on its regime's column of the probabilities (and its own fork of `seed`). */
export function trainAllSpecialists(input: AllSpecialistsInput): Record<SpecialistName, TrainedSpecialist> {
  const { regimeProbabilities, ...rest } = input;
  const train = (specialist: SpecialistName): TrainedSpecialist =>
    trainSpecialist({
      ...rest,
      specialist,
      regimeWeights: regimeProbabilities.map((p) => p[specialistRegime[specialist]]),
    });
  return {
    bull_specialist: train("bull_specialist"),
    bear_specialist: train("bear_specialist"),
    sideways_specialist: train("sideways_specialist"),
  };
}

/** A specialist's score for row `row` of a probability batch: P(BUY) − P(SELL), in [−1, 1]. */
export function specialistScore(probabilities: ArrayLike<number>, row = 0): number {
  const base = row * signalClasses.length;
  const buy = probabilities[base + signalClassIndex.BUY];
  const sell = probabilities[base + signalClassIndex.SELL];
  if (buy === undefined || sell === undefined) throw new RangeError(`no probabilities for row ${row}`);
  return buy - sell;
}

/** `specialistScore` for every row of a `rows × 3` probability batch. */
export function specialistScores(probabilities: ArrayLike<number>, rows: number): Float64Array {
  if (probabilities.length !== rows * signalClasses.length) {
    throw new RangeError(`expected ${rows} × ${signalClasses.length} probabilities, got ${probabilities.length}`);
  }
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) scores[r] = specialistScore(probabilities, r);
  return scores;
}

/** Where a specialist version's ONNX bytes live in the model store. */
export function specialistArtifactKey(specialist: SpecialistName, version: number): string {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`version must be a positive integer, got ${version}`);
  return `specialists/${specialist}/v${version}/model.onnx`;
}

/** The specialist as ONNX, its identity and feature order in the model's metadata. */
export function exportSpecialist(trained: TrainedSpecialist, version: number): Uint8Array {
  if (!Number.isInteger(version) || version < 1)
    throw new RangeError(`version must be a positive integer, got ${version}`);
  return exportMlpToOnnx(trained.model, {
    featureNames: [...trained.featureOrder],
    graphName: trained.specialist,
    modelVersion: version,
    docString: `${trained.specialist} v${version}: P(SELL, HOLD, BUY) from raw features`,
    metadata: {
      specialist: trained.specialist,
      version: String(version),
      classes: JSON.stringify(signalClasses),
      score: "P(BUY) - P(SELL)",
    },
  });
}
