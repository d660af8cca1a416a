import { z } from "zod";
import { cholesky, floorCovariance, type Matrix, zeros } from "./small-matrix";

/** One observation vector (for the regime detector: [log return, rolling volatility]). */
export type HmmObservation = ReadonlyArray<number>;
export type HmmObservationSequence = ReadonlyArray<HmmObservation>;

/**
 * A K-state hidden Markov model with full-covariance multivariate Gaussian emissions, as plain
 * JSON-serialisable data (it is stored as a model version).
 * `transition[i][j]` = P(state j at t+1 | state i at t); rows and `initial` sum to 1.
 */
export interface GaussianHmmParams {
  readonly initial: ReadonlyArray<number>;
  readonly transition: ReadonlyArray<ReadonlyArray<number>>;
  readonly means: ReadonlyArray<ReadonlyArray<number>>;
  readonly covariances: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>;
}

const STOCHASTIC_TOLERANCE = 1e-9;
/** Below this a linear-space quantity may have lost its value to underflow: redo the step in logs. */
const UNDERFLOW = 1e-290;
/** A state (or transition row) with less expected mass than this keeps its previous parameters. */
const NEGLIGIBLE_MASS = 1e-12;
const LOG_2PI = Math.log(2 * Math.PI);
/** Default eigenvalue floor of a state covariance, as a fraction of the data's variance. */
export const DEFAULT_COVARIANCE_FLOOR = 1e-3;

function distributionProblem(values: ReadonlyArray<number>, what: string): string | null {
  let sum = 0;
  for (const value of values) {
    if (!(Number.isFinite(value) && value >= 0)) return `${what} has an entry that is negative or not finite`;
    sum += value;
  }
  return Math.abs(sum - 1) <= STOCHASTIC_TOLERANCE ? null : `${what} sums to ${sum}, not 1`;
}

/** Why `params` is not a usable model, or null when it is. */
export function gaussianHmmParamsProblem(params: GaussianHmmParams): string | null {
  const k = params.initial.length;
  if (k < 1) return "the model needs at least one state";
  if (params.transition.length !== k || params.means.length !== k || params.covariances.length !== k) {
    return `initial, transition, means and covariances must all have ${k} states`;
  }
  const d = params.means[0]?.length ?? 0;
  if (d < 1) return "observations need at least one dimension";
  const initialProblem = distributionProblem(params.initial, "initial");
  if (initialProblem) return initialProblem;
  for (let i = 0; i < k; i++) {
    const row = params.transition[i] ?? [];
    if (row.length !== k) return `transition row ${i} must have ${k} entries`;
    const rowProblem = distributionProblem(row, `transition row ${i}`);
    if (rowProblem) return rowProblem;
    const mean = params.means[i] ?? [];
    if (mean.length !== d || !mean.every(Number.isFinite)) return `mean ${i} must be ${d} finite numbers`;
    const cov = params.covariances[i] ?? [];
    if (cov.length !== d || cov.some((r) => r.length !== d || !r.every(Number.isFinite))) {
      return `covariance ${i} must be a ${d}x${d} matrix of finite numbers`;
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) {
        const x = cov[a]?.[b] ?? 0;
        const y = cov[b]?.[a] ?? 0;
        if (Math.abs(x - y) > 1e-9 * (Math.abs(x) + Math.abs(y))) return `covariance ${i} is not symmetric`;
      }
    }
    if (cholesky(cov) === null) return `covariance ${i} is not positive definite`;
  }
  return null;
}

const finite = z.number().finite();

/** Validates a stored model (shape, stochastic rows, symmetric positive-definite covariances). */
export const gaussianHmmParamsSchema = z
  .object({
    initial: z.array(finite).min(1),
    transition: z.array(z.array(finite)),
    means: z.array(z.array(finite)),
    covariances: z.array(z.array(z.array(finite))),
  })
  .superRefine((params, ctx) => {
    const problem = gaussianHmmParamsProblem(params);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * The parameters unpacked into flat typed arrays with each covariance's Cholesky factor and the
 * Gaussian log-normaliser precomputed, so the per-observation work is a triangular solve.
 * Build it once per model and share it (the live filters for every symbol do).
 */
export interface CompiledGaussianHmm {
  readonly kind: "compiled-gaussian-hmm";
  readonly states: number;
  readonly dimension: number;
  readonly params: GaussianHmmParams;
  readonly initial: Float64Array;
  readonly transition: Float64Array;
  readonly logTransition: Float64Array;
  readonly means: Float64Array;
  /** k·d·d lower-triangular factors, row-major. */
  readonly cholesky: Float64Array;
  /** −½·(d·ln 2π + ln|Σ_k|) per state. */
  readonly logNormaliser: Float64Array;
  /** Work space (d and k values) of the hot loops, which therefore allocate nothing. */
  readonly solveScratch: Float64Array;
  readonly stepScratch: Float64Array;
}

function copyParams(params: GaussianHmmParams): GaussianHmmParams {
  return {
    initial: [...params.initial],
    transition: params.transition.map((row) => [...row]),
    means: params.means.map((row) => [...row]),
    covariances: params.covariances.map((cov) => cov.map((row) => [...row])),
  };
}

export function compileGaussianHmm(params: GaussianHmmParams): CompiledGaussianHmm {
  const problem = gaussianHmmParamsProblem(params);
  if (problem) throw new RangeError(`invalid Gaussian HMM: ${problem}`);
  const own = copyParams(params);
  const k = own.initial.length;
  const d = own.means[0]?.length ?? 0;
  const transition = new Float64Array(k * k);
  const logTransition = new Float64Array(k * k);
  const means = new Float64Array(k * d);
  const chol = new Float64Array(k * d * d);
  const logNormaliser = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const a = own.transition[i]?.[j] ?? 0;
      transition[i * k + j] = a;
      logTransition[i * k + j] = Math.log(a);
    }
    for (let m = 0; m < d; m++) means[i * d + m] = own.means[i]?.[m] ?? 0;
    const l = cholesky(own.covariances[i] ?? []);
    if (l === null) throw new RangeError(`invalid Gaussian HMM: covariance ${i} is not positive definite`);
    let logDet = 0;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) chol[(i * d + a) * d + b] = l[a]?.[b] ?? 0;
      logDet += 2 * Math.log(l[a]?.[a] ?? 1);
    }
    logNormaliser[i] = -0.5 * (d * LOG_2PI + logDet);
  }
  return {
    kind: "compiled-gaussian-hmm",
    states: k,
    dimension: d,
    params: own,
    initial: Float64Array.from(own.initial),
    transition,
    logTransition,
    means,
    cholesky: chol,
    logNormaliser,
    solveScratch: new Float64Array(d),
    stepScratch: new Float64Array(k),
  };
}

export function asCompiled(model: GaussianHmmParams | CompiledGaussianHmm): CompiledGaussianHmm {
  return "kind" in model ? model : compileGaussianHmm(model);
}

/** ln N(x; μ_s, Σ_s) for every state s, written to out[outOffset .. outOffset + k). */
export function emissionLogDensities(
  model: CompiledGaussianHmm,
  x: ArrayLike<number>,
  xOffset: number,
  out: Float64Array,
  outOffset: number,
): void {
  const { states: k, dimension: d, means, cholesky: chol, logNormaliser, solveScratch: z } = model;
  for (let s = 0; s < k; s++) {
    let mahalanobis = 0;
    for (let a = 0; a < d; a++) {
      let sum = (x[xOffset + a] ?? 0) - (means[s * d + a] ?? 0);
      for (let b = 0; b < a; b++) sum -= (chol[(s * d + a) * d + b] ?? 0) * (z[b] ?? 0);
      const za = sum / (chol[(s * d + a) * d + a] ?? 1);
      z[a] = za;
      mahalanobis += za * za;
    }
    out[outOffset + s] = (logNormaliser[s] ?? 0) - 0.5 * mahalanobis;
  }
}

/** ln N(x; μ_state, Σ_state). */
export function emissionLogDensity(
  model: GaussianHmmParams | CompiledGaussianHmm,
  state: number,
  x: HmmObservation,
): number {
  const compiled = asCompiled(model);
  assertObservation(x, compiled.dimension, "observation");
  if (!Number.isInteger(state) || state < 0 || state >= compiled.states) throw new RangeError(`no state ${state}`);
  const out = new Float64Array(compiled.states);
  emissionLogDensities(compiled, x, 0, out, 0);
  return out[state] ?? Number.NaN;
}

/** Throws a RangeError naming the first entry that is missing, NaN or infinite. */
export function assertObservation(x: HmmObservation, dimension: number, what: string): void {
  if (x.length !== dimension) throw new RangeError(`${what} must have ${dimension} values, got ${x.length}`);
  for (let m = 0; m < dimension; m++) {
    const value = x[m];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new RangeError(`${what}[${m}] must be a finite number, got ${value}`);
    }
  }
}

/**
 * One step of the forward (filtering) recursion, the only thing the live path runs:
 * α_t(j) ∝ [Σ_i α_{t−1}(i)·A_ij]·b_j(x_t), or ∝ prior_j·b_j(x_1) at the first step (`previous`
 * null). α is kept normalised (Rabiner's scaling) and the emissions are scaled by their largest
 * value, so nothing overflows; when the scaled sum could have underflowed (an outlier that only an
 * improbable state explains) the step is redone in log space. It reads only `previous` and this
 * step's emissions, so it cannot see the future.
 *
 * Writes α_t to out[outOffset..], exp(ln b_j − max ln b) to scaledEmission[emissionOffset..]
 * (the backward pass reuses them) and returns ln p(x_t | x_1..x_{t−1}).
 */
export function forwardStep(
  model: CompiledGaussianHmm,
  prior: Float64Array,
  previous: Float64Array | null,
  previousOffset: number,
  logEmission: Float64Array,
  scaledEmission: Float64Array,
  emissionOffset: number,
  out: Float64Array,
  outOffset: number,
): number {
  const k = model.states;
  const a = model.transition;
  const predicted = model.stepScratch;
  for (let j = 0; j < k; j++) {
    if (previous === null) {
      predicted[j] = prior[j] ?? 0;
    } else {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += (previous[previousOffset + i] ?? 0) * (a[i * k + j] ?? 0);
      predicted[j] = sum;
    }
  }
  let peak = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) peak = Math.max(peak, logEmission[emissionOffset + j] ?? Number.NaN);
  if (!Number.isFinite(peak)) {
    throw new RangeError("HMM forward step: the observation has zero or undefined density under every state");
  }
  let total = 0;
  for (let j = 0; j < k; j++) {
    const scaled = Math.exp((logEmission[emissionOffset + j] ?? 0) - peak);
    scaledEmission[emissionOffset + j] = scaled;
    const joint = (predicted[j] ?? 0) * scaled;
    out[outOffset + j] = joint;
    total += joint;
  }
  if (total >= UNDERFLOW) {
    for (let j = 0; j < k; j++) out[outOffset + j] = (out[outOffset + j] ?? 0) / total;
    return peak + Math.log(total);
  }
  let shift = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) {
    const logJoint = Math.log(predicted[j] ?? 0) + (logEmission[emissionOffset + j] ?? 0);
    out[outOffset + j] = logJoint;
    shift = Math.max(shift, logJoint);
  }
  if (!Number.isFinite(shift)) throw new RangeError("HMM forward step: the observation has zero probability");
  total = 0;
  for (let j = 0; j < k; j++) {
    const value = Math.exp((out[outOffset + j] ?? 0) - shift);
    out[outOffset + j] = value;
    total += value;
  }
  for (let j = 0; j < k; j++) out[outOffset + j] = (out[outOffset + j] ?? 0) / total;
  return shift + Math.log(total);
}

/** One sequence with its work buffers. */
interface PreparedSequence {
  readonly x: Float64Array;
  readonly length: number;
  readonly logEmission: Float64Array;
  readonly scaledEmission: Float64Array;
  readonly alpha: Float64Array;
  readonly gamma: Float64Array;
}

/** Internal to the regime folder: every training sequence, flattened, with pooled statistics. */
export interface PreparedData {
  readonly dimension: number;
  readonly states: number;
  readonly sequences: PreparedSequence[];
  readonly total: number;
  /** Per-dimension standard deviation of all observations (1 for a constant dimension). */
  readonly scale: number[];
  readonly mean: number[];
  /** Covariance of all observations, pooled over the sequences. */
  readonly covariance: Matrix;
}

export function prepareSequences(sequences: ReadonlyArray<HmmObservationSequence>, states: number): PreparedData {
  if (sequences.length === 0) throw new RangeError("no observation sequences");
  const dimension = sequences[0]?.[0]?.length ?? 0;
  if (dimension < 1) throw new RangeError("the first sequence is empty or its observations have no values");
  const prepared: PreparedSequence[] = [];
  let total = 0;
  const sum = new Array<number>(dimension).fill(0);
  sequences.forEach((sequence, s) => {
    if (sequence.length === 0) throw new RangeError(`sequence ${s} is empty`);
    const x = new Float64Array(sequence.length * dimension);
    sequence.forEach((observation, t) => {
      assertObservation(observation, dimension, `sequence ${s} observation ${t}`);
      for (let m = 0; m < dimension; m++) {
        const value = observation[m] ?? 0;
        x[t * dimension + m] = value;
        sum[m] = (sum[m] ?? 0) + value;
      }
    });
    total += sequence.length;
    prepared.push({
      x,
      length: sequence.length,
      logEmission: new Float64Array(sequence.length * states),
      scaledEmission: new Float64Array(sequence.length * states),
      alpha: new Float64Array(sequence.length * states),
      gamma: new Float64Array(sequence.length * states),
    });
  });
  const mean = sum.map((value) => value / total);
  const covariance = zeros(dimension, dimension);
  for (const sequence of prepared) {
    for (let t = 0; t < sequence.length; t++) {
      for (let a = 0; a < dimension; a++) {
        const da = (sequence.x[t * dimension + a] ?? 0) - (mean[a] ?? 0);
        const row = covariance[a] ?? [];
        for (let b = 0; b < dimension; b++) {
          row[b] = (row[b] ?? 0) + (da * ((sequence.x[t * dimension + b] ?? 0) - (mean[b] ?? 0))) / total;
        }
      }
    }
  }
  const scale = covariance.map((row, a) => {
    const sd = Math.sqrt(row[a] ?? 0);
    return sd > 0 && Number.isFinite(sd) ? sd : 1;
  });
  return { dimension, states, sequences: prepared, total, scale, mean, covariance };
}

function forwardPass(model: CompiledGaussianHmm, sequence: PreparedSequence, prior: Float64Array): number {
  const k = model.states;
  let logLikelihood = 0;
  for (let t = 0; t < sequence.length; t++) {
    emissionLogDensities(model, sequence.x, t * model.dimension, sequence.logEmission, t * k);
    logLikelihood += forwardStep(
      model,
      prior,
      t === 0 ? null : sequence.alpha,
      (t - 1) * k,
      sequence.logEmission,
      sequence.scaledEmission,
      t * k,
      sequence.alpha,
      t * k,
    );
  }
  return logLikelihood;
}

/**
 * The backward recursion after `forwardPass`: fills γ_t(i) = P(s_t = i | x_1..x_T) and adds
 * Σ_t ξ_t(i, j) = Σ_t P(s_t = i, s_{t+1} = j | x_1..x_T) to `xiSum`. β is rescaled to a maximum
 * of 1 every step (γ_t and ξ_t are normalised per step, so β's scale never matters) and reuses the
 * forward pass's scaled emissions, so the usual step costs no exp or log; a step whose sums could
 * have underflowed is redone in log space.
 */
function backwardPass(model: CompiledGaussianHmm, sequence: PreparedSequence, xiSum: Float64Array): void {
  const k = model.states;
  const { alpha, gamma, logEmission, scaledEmission, length } = sequence;
  const a = model.transition;
  const logA = model.logTransition;
  const beta = new Float64Array(k).fill(1);
  const v = new Float64Array(k);
  const s = new Float64Array(k);
  const w = new Float64Array(k);
  const pair = new Float64Array(k * k);
  const last = (length - 1) * k;
  for (let i = 0; i < k; i++) gamma[last + i] = alpha[last + i] ?? 0;

  for (let t = length - 2; t >= 0; t--) {
    const here = t * k;
    const next = here + k;
    for (let j = 0; j < k; j++) v[j] = (scaledEmission[next + j] ?? 0) * (beta[j] ?? 0);
    let z = 0;
    let peak = 0;
    for (let i = 0; i < k; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += (a[i * k + j] ?? 0) * (v[j] ?? 0);
      s[i] = sum;
      if (sum > peak) peak = sum;
      z += (alpha[here + i] ?? 0) * sum;
    }
    // z >= UNDERFLOW implies peak >= UNDERFLOW, so any s_i lost to underflow is < 1e-18 of the
    // largest one: negligible. Otherwise the step is redone in log space.
    if (z >= UNDERFLOW) {
      for (let i = 0; i < k; i++) {
        const weight = (alpha[here + i] ?? 0) / z;
        const si = s[i] ?? 0;
        gamma[here + i] = weight * si;
        for (let j = 0; j < k; j++) {
          xiSum[i * k + j] = (xiSum[i * k + j] ?? 0) + weight * (a[i * k + j] ?? 0) * (v[j] ?? 0);
        }
        beta[i] = si / peak;
      }
      continue;
    }
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      const value = (logEmission[next + j] ?? 0) + Math.log(beta[j] ?? 0);
      w[j] = value;
      top = Math.max(top, value);
    }
    let pairPeak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < k; i++) {
      const logAlpha = Math.log(alpha[here + i] ?? 0);
      for (let j = 0; j < k; j++) {
        const value = logAlpha + (logA[i * k + j] ?? 0) + (w[j] ?? 0);
        pair[i * k + j] = value;
        pairPeak = Math.max(pairPeak, value);
      }
    }
    if (!(Number.isFinite(top) && Number.isFinite(pairPeak))) {
      throw new RangeError("HMM backward pass: numerical failure");
    }
    let total = 0;
    for (let m = 0; m < k * k; m++) {
      const value = Math.exp((pair[m] ?? 0) - pairPeak);
      pair[m] = value;
      total += value;
    }
    let betaPeak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < k; i++) {
      let g = 0;
      let rowPeak = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const p = (pair[i * k + j] ?? 0) / total;
        xiSum[i * k + j] = (xiSum[i * k + j] ?? 0) + p;
        g += p;
        rowPeak = Math.max(rowPeak, (logA[i * k + j] ?? 0) + (w[j] ?? 0) - top);
      }
      gamma[here + i] = g;
      let rowSum = 0;
      if (rowPeak > Number.NEGATIVE_INFINITY) {
        for (let j = 0; j < k; j++) rowSum += Math.exp((logA[i * k + j] ?? 0) + (w[j] ?? 0) - top - rowPeak);
      }
      // Now ln β_t(i) up to a constant shared by every i.
      const logBeta = rowPeak + Math.log(rowSum);
      s[i] = logBeta;
      betaPeak = Math.max(betaPeak, logBeta);
    }
    if (!Number.isFinite(betaPeak)) throw new RangeError("HMM backward pass: numerical failure");
    for (let i = 0; i < k; i++) beta[i] = Math.exp((s[i] ?? 0) - betaPeak);
  }
}

/** E-step over every sequence; returns the total log-likelihood. Internal to the regime folder. */
export function expectation(model: CompiledGaussianHmm, data: PreparedData, xiSum: Float64Array): number {
  xiSum.fill(0);
  let logLikelihood = 0;
  for (const sequence of data.sequences) {
    logLikelihood += forwardPass(model, sequence, model.initial);
    backwardPass(model, sequence, xiSum);
  }
  if (!Number.isFinite(logLikelihood)) throw new RangeError(`HMM log-likelihood is ${logLikelihood}`);
  return logLikelihood;
}

/**
 * M-step from the posteriors left by `expectation`: the exact maximiser of the expected
 * complete-data log-likelihood, with each covariance's eigenvalues (in units of the data's
 * per-dimension variance) held at or above `floor` (see `floorCovariance`). A state or transition
 * row with negligible expected mass keeps its previous values, which cannot lower the objective.
 */
export function maximisation(
  previous: GaussianHmmParams,
  data: PreparedData,
  xiSum: Float64Array,
  floor: number,
): GaussianHmmParams {
  const { states: k, dimension: d } = data;
  const initial = new Array<number>(k).fill(0);
  for (const sequence of data.sequences) {
    for (let i = 0; i < k; i++) initial[i] = (initial[i] ?? 0) + (sequence.gamma[i] ?? 0);
  }
  const initialTotal = initial.reduce((sum, value) => sum + value, 0);

  const transition = Array.from({ length: k }, (_, i) => {
    let rowSum = 0;
    for (let j = 0; j < k; j++) rowSum += xiSum[i * k + j] ?? 0;
    if (!(rowSum > NEGLIGIBLE_MASS)) return [...(previous.transition[i] ?? [])];
    return Array.from({ length: k }, (_, j) => (xiSum[i * k + j] ?? 0) / rowSum);
  });

  const mass = new Float64Array(k);
  const weighted = new Float64Array(k * d);
  for (const { x, gamma, length } of data.sequences) {
    for (let t = 0; t < length; t++) {
      for (let i = 0; i < k; i++) {
        const g = gamma[t * k + i] ?? 0;
        mass[i] = (mass[i] ?? 0) + g;
        for (let m = 0; m < d; m++) weighted[i * d + m] = (weighted[i * d + m] ?? 0) + g * (x[t * d + m] ?? 0);
      }
    }
  }
  const means: number[][] = [];
  const covariances: Matrix[] = [];
  const scatter = new Float64Array(k * d * d);
  for (let i = 0; i < k; i++) {
    means.push(Array.from({ length: d }, (_, m) => (weighted[i * d + m] ?? 0) / (mass[i] ?? 1)));
  }
  // Second pass around the new means, not E[xxᵀ] − μμᵀ, which cancels badly when |μ| ≫ σ.
  for (const { x, gamma, length } of data.sequences) {
    for (let t = 0; t < length; t++) {
      for (let i = 0; i < k; i++) {
        const g = gamma[t * k + i] ?? 0;
        const mean = means[i] ?? [];
        for (let a = 0; a < d; a++) {
          const da = (x[t * d + a] ?? 0) - (mean[a] ?? 0);
          for (let b = 0; b <= a; b++) {
            const db = (x[t * d + b] ?? 0) - (mean[b] ?? 0);
            scatter[(i * d + a) * d + b] = (scatter[(i * d + a) * d + b] ?? 0) + g * da * db;
          }
        }
      }
    }
  }
  for (let i = 0; i < k; i++) {
    const n = mass[i] ?? 0;
    if (!(n > NEGLIGIBLE_MASS)) {
      means[i] = [...(previous.means[i] ?? [])];
      covariances.push((previous.covariances[i] ?? []).map((row) => [...row]));
      continue;
    }
    const sample = zeros(d, d);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const value = (scatter[(i * d + a) * d + b] ?? 0) / n;
        const rowA = sample[a];
        const rowB = sample[b];
        if (rowA) rowA[b] = value;
        if (rowB) rowB[a] = value;
      }
    }
    covariances.push(floorCovariance(sample, data.scale, floor));
  }
  return { initial: initial.map((value) => value / initialTotal), transition, means, covariances };
}

export interface ForwardResult {
  /** filtered[t][j] = P(s_t = j | x_1..x_t): uses nothing after t. */
  readonly filtered: number[][];
  /** ln p(x_1..x_T). */
  readonly logLikelihood: number;
}

function toRows(flat: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(flat.subarray(r * cols, (r + 1) * cols)));
}

function priorFor(model: CompiledGaussianHmm, initial: ReadonlyArray<number> | undefined): Float64Array {
  if (initial === undefined) return model.initial;
  if (initial.length !== model.states) throw new RangeError(`initial must have ${model.states} entries`);
  const problem = distributionProblem(initial, "initial");
  if (problem) throw new RangeError(problem);
  return Float64Array.from(initial);
}

/**
 * The forward algorithm over a whole sequence: the filtered state probabilities at each step and
 * the log-likelihood. `initial` overrides the model's initial distribution.
 */
export function hmmForward(
  model: GaussianHmmParams | CompiledGaussianHmm,
  observations: HmmObservationSequence,
  options: { readonly initial?: ReadonlyArray<number> } = {},
): ForwardResult {
  const compiled = asCompiled(model);
  const data = prepareForModel(compiled, observations);
  const logLikelihood = forwardPass(compiled, data, priorFor(compiled, options.initial));
  return { filtered: toRows(data.alpha, data.length, compiled.states), logLikelihood };
}

export interface SmoothingResult {
  /** smoothed[t][j] = P(s_t = j | x_1..x_T): depends on observations AFTER t. */
  readonly smoothed: number[][];
  readonly logLikelihood: number;
}

/**
 * OFFLINE ANALYSIS ONLY. Forward-backward smoothing: each step's probabilities are conditioned on
 * the whole sequence, future included, so using them for a live decision would leak the future.
 * The live path is `forwardStep` (through `RegimeFilter`); this exists for research and for the
 * test that proves the filter does not leak while this does.
 */
export function smoothOffline(
  model: GaussianHmmParams | CompiledGaussianHmm,
  observations: HmmObservationSequence,
): SmoothingResult {
  const compiled = asCompiled(model);
  const data = prepareForModel(compiled, observations);
  const logLikelihood = forwardPass(compiled, data, compiled.initial);
  backwardPass(compiled, data, new Float64Array(compiled.states * compiled.states));
  return { smoothed: toRows(data.gamma, data.length, compiled.states), logLikelihood };
}

function prepareForModel(model: CompiledGaussianHmm, observations: HmmObservationSequence): PreparedSequence {
  if (observations.length === 0) throw new RangeError("no observations");
  const d = model.dimension;
  const k = model.states;
  const x = new Float64Array(observations.length * d);
  observations.forEach((observation, t) => {
    assertObservation(observation, d, `observation ${t}`);
    for (let m = 0; m < d; m++) x[t * d + m] = observation[m] ?? 0;
  });
  const n = observations.length;
  return {
    x,
    length: n,
    logEmission: new Float64Array(n * k),
    scaledEmission: new Float64Array(n * k),
    alpha: new Float64Array(n * k),
    gamma: new Float64Array(n * k),
  };
}

export interface BaumWelchStepOptions {
  /**
   * Lower bound on each covariance's eigenvalues, as a fraction of the data's per-dimension
   * variance (0 = plain maximum likelihood).
   */
  readonly covarianceFloor?: number;
}

/**
 * One Baum-Welch iteration: E-step at `params` (its log-likelihood is returned) and the M-step.
 * Each sequence is a separate run of the chain: no transition is counted between sequences.
 */
export function baumWelchStep(
  params: GaussianHmmParams,
  sequences: ReadonlyArray<HmmObservationSequence>,
  options: BaumWelchStepOptions = {},
): { readonly params: GaussianHmmParams; readonly logLikelihood: number } {
  const model = compileGaussianHmm(params);
  const data = prepareSequences(sequences, model.states);
  if (data.dimension !== model.dimension) throw new RangeError(`observations must have ${model.dimension} values`);
  const floor = floorOption(options.covarianceFloor);
  const xiSum = new Float64Array(model.states * model.states);
  const logLikelihood = expectation(model, data, xiSum);
  return { params: maximisation(model.params, data, xiSum, floor), logLikelihood };
}

function floorOption(value: number | undefined): number {
  const floor = value ?? DEFAULT_COVARIANCE_FLOOR;
  if (!(Number.isFinite(floor) && floor >= 0)) throw new RangeError(`covarianceFloor must be >= 0, got ${floor}`);
  return floor;
}
