import { z } from "zod";
import {
  compileGaussianHmm,
  DEFAULT_COVARIANCE_FLOOR,
  expectation,
  type GaussianHmmParams,
  type HmmObservationSequence,
  maximisation,
  type PreparedData,
  prepareSequences,
} from "./gaussian-hmm";
import { kMeansPlusPlus } from "./k-means";
import { floorCovariance, zeros } from "./small-matrix";

export const gaussianHmmFitOptionsSchema = z.object({
  states: z.number().int().min(1).max(16),
  random: z.custom<() => number>((value) => typeof value === "function", "random must be a () => number"),
  /** k-means++ starts, on top of the one scale-ladder start. */
  restarts: z.number().int().min(0).max(100).default(3),
  /** EM iterations every start gets before all but the best are dropped. */
  screeningIterations: z.number().int().min(1).max(100_000).default(10),
  /** The most M-steps of the winning start, screening included. */
  maxIterations: z.number().int().min(1).max(100_000).default(500),
  /** Converged when an iteration gains less than this many nats PER OBSERVATION. */
  tolerance: z.number().finite().positive().default(1e-7),
  /** See `BaumWelchStepOptions.covarianceFloor`. */
  covarianceFloor: z.number().finite().min(0).default(DEFAULT_COVARIANCE_FLOOR),
});
export type GaussianHmmFitOptions = z.input<typeof gaussianHmmFitOptionsSchema>;

export type GaussianHmmStartKind = "scale-ladder" | "k-means++";

export interface GaussianHmmStart {
  readonly kind: GaussianHmmStartKind;
  /** Log-likelihood when screening ended (or, for the winner, at the end of the fit). */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface GaussianHmmFit {
  /** The winning start's parameters; `logLikelihood` is exactly theirs. */
  readonly params: GaussianHmmParams;
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly start: GaussianHmmStartKind;
  /** Log-likelihood at the winner's initial parameters, then after each M-step: never decreases. */
  readonly trace: ReadonlyArray<number>;
  readonly starts: ReadonlyArray<GaussianHmmStart>;
  readonly observations: number;
  readonly sequences: number;
}

interface EmState {
  readonly params: GaussianHmmParams;
  readonly logLikelihood: number;
  readonly trace: ReadonlyArray<number>;
  readonly iterations: number;
  readonly converged: boolean;
}

interface EmSettings {
  readonly data: PreparedData;
  readonly xiSum: Float64Array;
  readonly floor: number;
  readonly tolerance: number;
}

/** Runs EM from `state` until convergence or `until` M-steps in total. */
function improve(state: EmState, until: number, { data, xiSum, floor, tolerance }: EmSettings): EmState {
  let params = state.params;
  // Recomputed, not reused: the shared posterior buffers may hold another start's E-step.
  let logLikelihood = expectation(compileGaussianHmm(params), data, xiSum);
  const trace = state.trace.length === 0 ? [logLikelihood] : [...state.trace];
  let iterations = state.iterations;
  let converged = state.converged;
  while (!converged && iterations < until) {
    params = maximisation(params, data, xiSum, floor);
    iterations++;
    const next = expectation(compileGaussianHmm(params), data, xiSum);
    trace.push(next);
    converged = next - logLikelihood < tolerance * data.total;
    logLikelihood = next;
  }
  return { params, logLikelihood, trace, iterations, converged };
}

/**
 * Maximum-likelihood fit by Baum-Welch EM. Deterministic for a given `random` sequence.
 *
 * Starts: one "scale ladder" (every state at the overall mean, covariances the overall covariance
 * times 1/4 … 4) and `restarts` k-means++ clusterings of the standardised observations (each
 * cluster's mean and covariance, transitions counted from the label sequence with add-one
 * smoothing). Both kinds are needed: k-means separates states that differ in location, but market
 * regimes differ mostly in SCALE (calm vs turbulent), and on such data Lloyd's clustering splits
 * the wide turbulent cloud by the sign of the return, a poor optimum that EM cannot leave; the
 * ladder starts EM on the scale structure. Every start runs `screeningIterations` EM iterations
 * (a "short-run EM" selection), then the best one alone continues to convergence.
 */
export function fitGaussianHmm(
  sequences: ReadonlyArray<HmmObservationSequence>,
  options: GaussianHmmFitOptions,
): GaussianHmmFit {
  const parsed = gaussianHmmFitOptionsSchema.parse(options);
  const { states, random, restarts, screeningIterations, maxIterations, tolerance, covarianceFloor } = parsed;
  const data = prepareSequences(sequences, states);
  if (data.total < states) throw new RangeError(`fitting ${states} states needs at least ${states} observations`);
  const settings: EmSettings = {
    data,
    xiSum: new Float64Array(states * states),
    floor: covarianceFloor,
    tolerance,
  };
  const startFloor = Math.max(covarianceFloor, 1e-6);
  const screening = Math.min(screeningIterations, maxIterations);
  const fresh = (params: GaussianHmmParams): EmState => ({
    params,
    logLikelihood: Number.NaN,
    trace: [],
    iterations: 0,
    converged: false,
  });
  const candidates: Array<{ kind: GaussianHmmStartKind; state: EmState }> = [
    { kind: "scale-ladder", state: improve(fresh(scaleLadderParams(data, startFloor)), screening, settings) },
  ];
  for (let restart = 0; restart < restarts; restart++) {
    const start = kMeansParams(data, random, startFloor);
    candidates.push({ kind: "k-means++", state: improve(fresh(start), screening, settings) });
  }
  let best = 0;
  candidates.forEach((candidate, index) => {
    if (candidate.state.logLikelihood > (candidates[best]?.state.logLikelihood ?? Number.NEGATIVE_INFINITY)) {
      best = index;
    }
  });
  const winner = candidates[best];
  if (winner === undefined) throw new RangeError("no start ran");
  const final = improve(winner.state, maxIterations, settings);
  return {
    params: final.params,
    logLikelihood: final.logLikelihood,
    iterations: final.iterations,
    converged: final.converged,
    start: winner.kind,
    trace: final.trace,
    starts: candidates.map(({ kind, state }, index) => {
      const shown = index === best ? final : state;
      return {
        kind,
        logLikelihood: shown.logLikelihood,
        iterations: shown.iterations,
        converged: shown.converged,
      };
    }),
    observations: data.total,
    sequences: data.sequences.length,
  };
}

/** Persistent transitions: leave a state with probability 0.1 in total. */
function stickyTransitions(k: number): number[][] {
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => (k === 1 ? 1 : i === j ? 0.9 : 0.1 / (k - 1))),
  );
}

function scaleLadderParams(data: PreparedData, floor: number): GaussianHmmParams {
  const { states: k, scale, mean, covariance } = data;
  const covariances = Array.from({ length: k }, (_, state) => {
    const factor = k === 1 ? 1 : 4 ** ((2 * state) / (k - 1) - 1);
    return floorCovariance(
      covariance.map((row) => row.map((value) => value * factor)),
      scale,
      floor,
    );
  });
  return {
    initial: new Array<number>(k).fill(1 / k),
    transition: stickyTransitions(k),
    means: Array.from({ length: k }, () => [...mean]),
    covariances,
  };
}

function kMeansParams(data: PreparedData, random: () => number, startFloor: number): GaussianHmmParams {
  const { states: k, dimension: d, scale, mean } = data;
  const standardised = new Float64Array(data.total * d);
  let offset = 0;
  for (const { x, length } of data.sequences) {
    for (let t = 0; t < length; t++) {
      for (let m = 0; m < d; m++) {
        standardised[offset * d + m] = ((x[t * d + m] ?? 0) - (mean[m] ?? 0)) / (scale[m] ?? 1);
      }
      offset++;
    }
  }
  const { centroids, labels } = kMeansPlusPlus(standardised, d, k, random);

  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  offset = 0;
  for (const { x, length } of data.sequences) {
    for (let t = 0; t < length; t++) {
      const c = labels[offset++] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
      for (let m = 0; m < d; m++) sums[c * d + m] = (sums[c * d + m] ?? 0) + (x[t * d + m] ?? 0);
    }
  }
  const means = Array.from({ length: k }, (_, c) =>
    Array.from({ length: d }, (_, m) => {
      const count = counts[c] ?? 0;
      return count > 0
        ? (sums[c * d + m] ?? 0) / count
        : (mean[m] ?? 0) + (centroids[c * d + m] ?? 0) * (scale[m] ?? 1);
    }),
  );
  const scatter = Array.from({ length: k }, () => zeros(d, d));
  const transitions = Array.from({ length: k }, () => new Array<number>(k).fill(1));
  offset = 0;
  for (const { x, length } of data.sequences) {
    let previous = -1;
    for (let t = 0; t < length; t++) {
      const c = labels[offset++] ?? 0;
      const centre = means[c] ?? [];
      const cluster = scatter[c] ?? [];
      for (let a = 0; a < d; a++) {
        const row = cluster[a] ?? [];
        const da = (x[t * d + a] ?? 0) - (centre[a] ?? 0);
        for (let b = 0; b < d; b++) row[b] = (row[b] ?? 0) + da * ((x[t * d + b] ?? 0) - (centre[b] ?? 0));
      }
      const fromRow = transitions[previous];
      if (fromRow) fromRow[c] = (fromRow[c] ?? 0) + 1;
      previous = c;
    }
  }
  // A near-empty cluster would start with a degenerate covariance: start it from the data's
  // spread instead. Every start satisfies the floor, so EM's monotonicity holds from step one.
  const covariances = scatter.map((cluster, c) => {
    const count = counts[c] ?? 0;
    const sample = count > d ? cluster.map((row) => row.map((value) => value / count)) : data.covariance;
    return floorCovariance(sample, scale, startFloor);
  });
  const transition = transitions.map((row) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    return row.map((value) => value / total);
  });
  return { initial: new Array<number>(k).fill(1 / k), transition, means, covariances };
}
