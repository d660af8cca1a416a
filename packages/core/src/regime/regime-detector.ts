import { z } from "zod";
import { fnv1a64 } from "../random/fnv1a64";
import { type CompiledGaussianHmm, compileGaussianHmm, gaussianHmmParamsSchema } from "./gaussian-hmm";
import { fitGaussianHmm, type GaussianHmmFitOptions } from "./gaussian-hmm-fit";
import { RegimeFilter } from "./hmm-forward";
import { stationaryDistribution } from "./markov-chain";
import { labelStatesByMeanReturn, regimeStateLabelsSchema, toRegimeProbabilities } from "./regime-labels";

/**
 * What the detector consumes per bar: [log return of the bar, rolling volatility of log returns],
 * both known when the bar completes. The feature pipeline computes them; the detector does not
 * look at bars, so the same numbers must be used for fitting and for live updates.
 */
export type RegimeObservation = readonly [logReturn: number, volatility: number];

const probability = z.number().min(0).max(1);

/** One row of regime_history. */
export const regimeEstimateSchema = z.object({
  symbol: z.string().min(1),
  /** Epoch ms: the completion time of the bar whose observation produced this estimate. */
  time: z.number().int().nonnegative(),
  bull: probability,
  bear: probability,
  sideways: probability,
  /** Entropy of the three probabilities in nats, in [0, ln 3]. */
  entropy: z
    .number()
    .min(0)
    .max(Math.log(3) + 1e-12),
  modelVersion: z.string().min(1),
});
export type RegimeEstimate = Readonly<z.infer<typeof regimeEstimateSchema>>;

/** A fitted regime model as stored (JSON): parameters, state labels and how the fit went. */
export const regimeModelSchema = z
  .object({
    format: z.literal("tradeops.regime-hmm"),
    formatVersion: z.literal(1),
    modelVersion: z.string().min(1).max(128),
    params: gaussianHmmParamsSchema,
    labels: regimeStateLabelsSchema,
    fit: z.object({
      logLikelihood: z.number().finite(),
      iterations: z.number().int().nonnegative(),
      converged: z.boolean(),
      observations: z.number().int().positive(),
      sequences: z.number().int().positive(),
    }),
  })
  .superRefine((model, ctx) => {
    if (model.params.initial.length !== 3 || model.params.means.some((mean) => mean.length !== 2)) {
      ctx.addIssue({ code: "custom", message: "a regime model has 3 states over 2-value observations" });
      return;
    }
    const expected = labelStatesByMeanReturn(model.params.means);
    const { bull, bear, sideways } = model.labels;
    if (expected.bull !== bull || expected.bear !== bear || expected.sideways !== sideways) {
      ctx.addIssue({ code: "custom", message: "labels do not follow the states' mean returns" });
    }
  });
export type RegimeModel = z.infer<typeof regimeModelSchema>;

export type RegimeDetectorFitOptions = Omit<GaussianHmmFitOptions, "states"> & {
  /** Identifier stored with every estimate; by default `hmm3-` and a hash of the parameters. */
  readonly modelVersion?: string;
};

export interface RegimeDetectorOptions {
  /** Observations per symbol before `isReady(symbol)`; 1 by default. */
  readonly warmup?: number;
}

interface SymbolState {
  readonly filter: RegimeFilter;
  lastTime: number;
  latest: RegimeEstimate;
}

/**
 * The regime detector: one fitted 3-state Gaussian HMM shared by per-symbol forward filters.
 * Estimates come from filtering only (each uses the observations up to its own time and nothing
 * after), labelled bull/bear/sideways by the states' mean returns.
 *
 * A symbol's filter starts from the chain's stationary distribution (the long-run share of each
 * regime), not the fitted initial distribution, which only describes the first bar of the
 * training history.
 */
export class RegimeDetector {
  readonly model: RegimeModel;
  readonly #compiled: CompiledGaussianHmm;
  readonly #prior: number[];
  readonly #warmup: number;
  readonly #symbols = new Map<string, SymbolState>();

  private constructor(model: RegimeModel, options: RegimeDetectorOptions) {
    this.model = model;
    this.#compiled = compileGaussianHmm(model.params);
    this.#prior = stationaryDistribution(model.params.transition);
    const warmup = options.warmup ?? 1;
    if (!Number.isInteger(warmup) || warmup < 1) {
      throw new RangeError(`warmup must be a positive integer, got ${warmup}`);
    }
    this.#warmup = warmup;
  }

  /**
   * Fits the model by Baum-Welch from history: one observation sequence per symbol (or per
   * contiguous stretch), in time order. Sequences are never joined, so no spurious transition is
   * learnt between one symbol's last bar and the next one's first. Synchronous and CPU-bound
   * (about 1-2 s for 100k observations with the default four starts): run it at start-up.
   */
  static fit(
    history: ReadonlyArray<ReadonlyArray<RegimeObservation>>,
    options: RegimeDetectorFitOptions,
    detectorOptions: RegimeDetectorOptions = {},
  ): RegimeDetector {
    const { modelVersion, ...fitOptions } = options;
    for (const sequence of history) {
      for (const observation of sequence) {
        if (observation.length !== 2) throw new RangeError("a regime observation is [logReturn, volatility]");
      }
    }
    const fit = fitGaussianHmm(history, { ...fitOptions, states: 3 });
    const labels = labelStatesByMeanReturn(fit.params.means);
    const model = regimeModelSchema.parse({
      format: "tradeops.regime-hmm",
      formatVersion: 1,
      modelVersion: modelVersion ?? `hmm3-${contentTag({ params: fit.params, labels })}`,
      params: fit.params,
      labels,
      fit: {
        logLikelihood: fit.logLikelihood,
        iterations: fit.iterations,
        converged: fit.converged,
        observations: fit.observations,
        sequences: fit.sequences,
      },
    });
    return new RegimeDetector(model, detectorOptions);
  }

  /** Rebuilds a detector from a stored model (validated); `JSON.parse` output is fine. */
  static fromModel(model: unknown, detectorOptions: RegimeDetectorOptions = {}): RegimeDetector {
    return new RegimeDetector(regimeModelSchema.parse(model), detectorOptions);
  }

  get modelVersion(): string {
    return this.model.modelVersion;
  }

  toJSON(): RegimeModel {
    return this.model;
  }

  /**
   * Folds one observation of `symbol` into its filter and returns the new estimate.
   * `time` is the completion time (epoch ms) of the bar the observation was computed from (see
   * `barEndTime`) and must increase strictly per symbol: a replayed or out-of-order bar would be
   * counted twice or in the wrong place. Throws a RangeError, changing nothing, on a bad symbol,
   * time or observation (NaN and infinities included).
   */
  update(symbol: string, time: number, observation: RegimeObservation): RegimeEstimate {
    if (typeof symbol !== "string" || symbol.length === 0) throw new RangeError("symbol must be a non-empty string");
    if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`time must be epoch milliseconds, got ${time}`);
    let state = this.#symbols.get(symbol);
    if (state && time <= state.lastTime) {
      throw new RangeError(`${symbol}: time ${time} is not after the last update at ${state.lastTime}`);
    }
    const filter = state?.filter ?? new RegimeFilter(this.#compiled, { initial: this.#prior, warmup: this.#warmup });
    const { probs, entropy } = filter.update(observation);
    const { bull, bear, sideways } = toRegimeProbabilities(probs, this.model.labels);
    const estimate: RegimeEstimate = { symbol, time, bull, bear, sideways, entropy, modelVersion: this.modelVersion };
    if (state) {
      state.lastTime = time;
      state.latest = estimate;
    } else {
      state = { filter, lastTime: time, latest: estimate };
      this.#symbols.set(symbol, state);
    }
    return estimate;
  }

  /** The last estimate for `symbol`, or null before its first update. */
  latest(symbol: string): RegimeEstimate | null {
    return this.#symbols.get(symbol)?.latest ?? null;
  }

  isReady(symbol: string): boolean {
    return this.#symbols.get(symbol)?.filter.isReady() ?? false;
  }

  /** Forgets `symbol` (after a data gap or a corporate action): its next update starts afresh. */
  reset(symbol: string): void {
    this.#symbols.delete(symbol);
  }

  symbols(): string[] {
    return [...this.#symbols.keys()];
  }
}

/** 16 hex digits of the 64-bit FNV-1a of the JSON: a stable content tag, not a security hash. */
function contentTag(value: unknown): string {
  return fnv1a64(JSON.stringify(value)).toString(16).padStart(16, "0");
}
