import {
  asCompiled,
  assertObservation,
  type CompiledGaussianHmm,
  emissionLogDensities,
  forwardStep,
  type GaussianHmmParams,
  type HmmObservation,
} from "./gaussian-hmm";

/**
 * Shannon entropy of a discrete distribution in NATS (natural log), with 0·ln 0 = 0.
 * For K states it lies in [0, ln K]: 0 when one state is certain, ln 3 ≈ 1.0986 for a uniform
 * three-regime distribution.
 */
export function entropyNats(probabilities: ReadonlyArray<number>): number {
  let entropy = 0;
  for (const p of probabilities) {
    if (p > 0) entropy -= p * Math.log(p);
  }
  // Rounding can leave −0 or a hair below zero for a one-hot vector.
  return Math.max(entropy, 0);
}

export interface FilterUpdate {
  /** P(state j at this step | every observation so far), summing to 1. */
  readonly probs: ReadonlyArray<number>;
  /** Entropy of `probs` in nats (see `entropyNats`). */
  readonly entropy: number;
  /** ln p(this observation | all earlier ones): a live goodness-of-fit signal. */
  readonly logLikelihoodIncrement: number;
}

export interface RegimeFilterOptions {
  /** Distribution of the state before the first observation; the model's `initial` by default. */
  readonly initial?: ReadonlyArray<number>;
  /** Observations needed before `isReady()`; 1 by default. */
  readonly warmup?: number;
}

/**
 * The online forward filter: holds the normalised α_t = P(s_t | x_1..x_t) of one series and
 * advances it one observation at a time with the same `forwardStep` the batch algorithm uses.
 * It never sees an observation before `update` hands it over, so it cannot leak the future.
 */
export class RegimeFilter {
  readonly #model: CompiledGaussianHmm;
  readonly #prior: Float64Array;
  readonly #warmup: number;
  #alpha: Float64Array;
  #next: Float64Array;
  readonly #emission: Float64Array;
  readonly #scaledEmission: Float64Array;
  #count = 0;

  constructor(model: GaussianHmmParams | CompiledGaussianHmm, options: RegimeFilterOptions = {}) {
    this.#model = asCompiled(model);
    const k = this.#model.states;
    const initial = options.initial ?? Array.from(this.#model.initial);
    if (initial.length !== k) throw new RangeError(`initial must have ${k} entries`);
    let sum = 0;
    for (const p of initial) {
      if (!(Number.isFinite(p) && p >= 0)) throw new RangeError("initial must hold finite non-negative numbers");
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`initial must sum to 1, got ${sum}`);
    this.#prior = Float64Array.from(initial);
    const warmup = options.warmup ?? 1;
    if (!Number.isInteger(warmup) || warmup < 1)
      throw new RangeError(`warmup must be a positive integer, got ${warmup}`);
    this.#warmup = warmup;
    this.#alpha = new Float64Array(k);
    this.#next = new Float64Array(k);
    this.#emission = new Float64Array(k);
    this.#scaledEmission = new Float64Array(k);
  }

  get states(): number {
    return this.#model.states;
  }

  /** Observations consumed since construction or the last `reset()`. */
  get observations(): number {
    return this.#count;
  }

  /**
   * Folds in the next observation. Throws a RangeError, leaving the state untouched, when any
   * value is NaN or infinite or the length is wrong: a corrupt value would poison every later
   * probability, and no estimate is better than a wrong one.
   */
  update(observation: HmmObservation): FilterUpdate {
    assertObservation(observation, this.#model.dimension, "observation");
    emissionLogDensities(this.#model, observation, 0, this.#emission, 0);
    const increment = forwardStep(
      this.#model,
      this.#prior,
      this.#count === 0 ? null : this.#alpha,
      0,
      this.#emission,
      this.#scaledEmission,
      0,
      this.#next,
      0,
    );
    // Swap only after the step succeeded, so a throwing step leaves the filter as it was.
    const previous = this.#alpha;
    this.#alpha = this.#next;
    this.#next = previous;
    this.#count++;
    const probs = Array.from(this.#alpha);
    return { probs, entropy: entropyNats(probs), logLikelihoodIncrement: increment };
  }

  /** The current filtered distribution, or null before the first observation. */
  current(): ReadonlyArray<number> | null {
    return this.#count === 0 ? null : Array.from(this.#alpha);
  }

  /** Forgets every observation: the next update starts again from the prior. */
  reset(): void {
    this.#count = 0;
    this.#alpha.fill(0);
    this.#next.fill(0);
  }

  /** True once `warmup` observations have been consumed. */
  isReady(): boolean {
    return this.#count >= this.#warmup;
  }
}
