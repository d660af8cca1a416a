/**
 * Test support for the regime folder (not exported by the barrel): a seeded generator, samplers,
 * and reference algorithms written independently of the implementation under test (closed-form
 * 2x2 Gaussian density, brute-force enumeration of state paths, a plain log-space forward-backward).
 */
import type { GaussianHmmParams } from "./gaussian-hmm";

/** mulberry32: a small seeded PRNG returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box-Muller. */
export function normalSampler(random: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

function get(values: ReadonlyArray<number> | undefined, i: number): number {
  const value = values?.[i];
  if (value === undefined) throw new RangeError(`index ${i} out of range`);
  return value;
}

function row(matrix: ReadonlyArray<ReadonlyArray<number>>, i: number): ReadonlyArray<number> {
  const r = matrix[i];
  if (r === undefined) throw new RangeError(`row ${i} out of range`);
  return r;
}

function cov2(params: GaussianHmmParams, state: number): [number, number, number] {
  const c = params.covariances[state];
  if (c === undefined) throw new RangeError(`no state ${state}`);
  return [get(c[0], 0), get(c[0], 1), get(c[1], 1)];
}

function drawIndex(probabilities: ReadonlyArray<number>, u: number): number {
  let cumulative = 0;
  for (let j = 0; j < probabilities.length; j++) {
    cumulative += get(probabilities, j);
    if (u < cumulative) return j;
  }
  return probabilities.length - 1;
}

/** Samples a state path and 2-D observations from a Gaussian HMM (2x2 covariances). */
export function sampleHmm(
  params: GaussianHmmParams,
  length: number,
  random: () => number,
): { states: number[]; observations: number[][] } {
  const normal = normalSampler(random);
  const states: number[] = [];
  const observations: number[][] = [];
  let state = drawIndex(params.initial, random());
  for (let t = 0; t < length; t++) {
    if (t > 0) state = drawIndex(row(params.transition, state), random());
    const [a, b, c] = cov2(params, state);
    // Hand-written 2x2 Cholesky: [[l11, 0], [l21, l22]].
    const l11 = Math.sqrt(a);
    const l21 = b / l11;
    const l22 = Math.sqrt(c - l21 * l21);
    const z1 = normal();
    const z2 = normal();
    const mean = row(params.means, state);
    states.push(state);
    observations.push([get(mean, 0) + l11 * z1, get(mean, 1) + l21 * z1 + l22 * z2]);
  }
  return { states, observations };
}

/** Closed-form bivariate normal log-density: explicit 2x2 determinant and inverse. */
export function bivariateNormalLogDensity(x: ReadonlyArray<number>, params: GaussianHmmParams, state: number): number {
  const [a, b, c] = cov2(params, state);
  const mean = row(params.means, state);
  const det = a * c - b * b;
  const dx = get(x, 0) - get(mean, 0);
  const dy = get(x, 1) - get(mean, 1);
  const quadratic = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
  return -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * quadratic;
}

/** Every state path of length `length` over `k` states. */
function allPaths(k: number, length: number): number[][] {
  let paths: number[][] = [[]];
  for (let t = 0; t < length; t++) paths = paths.flatMap((path) => Array.from({ length: k }, (_, s) => [...path, s]));
  return paths;
}

/** p(x_1..x_T, path) by the definition: π_{s1}·b_{s1}(x_1)·Π A_{s(t−1) s(t)}·b_{st}(x_t). */
function pathProbability(
  params: GaussianHmmParams,
  observations: ReadonlyArray<ReadonlyArray<number>>,
  path: ReadonlyArray<number>,
  initial: ReadonlyArray<number> = params.initial,
): number {
  let p = 1;
  path.forEach((state, t) => {
    const x = observations[t];
    if (x === undefined) throw new RangeError("path longer than observations");
    p *= t === 0 ? get(initial, state) : get(row(params.transition, get(path, t - 1)), state);
    p *= Math.exp(bivariateNormalLogDensity(x, params, state));
  });
  return p;
}

/**
 * Brute force over all K^t paths: filtered[t][j] = P(s_t = j | x_1..x_t), smoothed[t][j] =
 * P(s_t = j | x_1..x_T), xi[i][j] = Σ_t P(s_t = i, s_t+1 = j | x_1..x_T), likelihood p(x_1..x_T).
 */
export function bruteForce(
  params: GaussianHmmParams,
  observations: ReadonlyArray<ReadonlyArray<number>>,
  initial: ReadonlyArray<number> = params.initial,
): { filtered: number[][]; smoothed: number[][]; xi: number[][]; likelihood: number } {
  const k = params.initial.length;
  const n = observations.length;
  const filtered: number[][] = [];
  for (let t = 1; t <= n; t++) {
    const prefix = observations.slice(0, t);
    const joint = new Array<number>(k).fill(0);
    for (const path of allPaths(k, t)) {
      const last = get(path, t - 1);
      joint[last] = get(joint, last) + pathProbability(params, prefix, path, initial);
    }
    const total = joint.reduce((sum, value) => sum + value, 0);
    filtered.push(joint.map((value) => value / total));
  }
  const smoothed = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  const xi = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let likelihood = 0;
  const paths = allPaths(k, n);
  const weights = paths.map((path) => pathProbability(params, observations, path, initial));
  for (const w of weights) likelihood += w;
  paths.forEach((path, p) => {
    const posterior = get(weights, p) / likelihood;
    path.forEach((state, t) => {
      const r = smoothed[t];
      if (r) r[state] = get(r, state) + posterior;
      if (t + 1 < n) {
        const xr = xi[state];
        const next = get(path, t + 1);
        if (xr) xr[next] = get(xr, next) + posterior;
      }
    });
  });
  return { filtered, smoothed, xi, likelihood };
}

function logSumExp(values: ReadonlyArray<number>): number {
  const peak = Math.max(...values);
  if (peak === Number.NEGATIVE_INFINITY) return peak;
  return peak + Math.log(values.reduce((sum, value) => sum + Math.exp(value - peak), 0));
}

/**
 * Textbook forward-backward entirely in log space (no scaling tricks): slow, but immune to
 * underflow, so it is the reference for long sequences and outliers.
 */
export function logSpaceForwardBackward(
  params: GaussianHmmParams,
  observations: ReadonlyArray<ReadonlyArray<number>>,
): { filtered: number[][]; smoothed: number[][]; logLikelihood: number } {
  const k = params.initial.length;
  const logA = params.transition.map((r) => r.map(Math.log));
  const logB = observations.map((x) => Array.from({ length: k }, (_, s) => bivariateNormalLogDensity(x, params, s)));
  const logAlpha: number[][] = [];
  observations.forEach((_, t) => {
    const b = row(logB, t);
    const previous = logAlpha[t - 1];
    logAlpha.push(
      Array.from({ length: k }, (_, j) =>
        previous === undefined
          ? Math.log(get(params.initial, j)) + get(b, j)
          : logSumExp(previous.map((value, i) => value + get(row(logA, i), j))) + get(b, j),
      ),
    );
  });
  const n = observations.length;
  const logLikelihood = logSumExp(row(logAlpha, n - 1));
  const logBeta: number[][] = new Array(n);
  logBeta[n - 1] = new Array<number>(k).fill(0);
  for (let t = n - 2; t >= 0; t--) {
    const next = row(logBeta, t + 1);
    const b = row(logB, t + 1);
    logBeta[t] = Array.from({ length: k }, (_, i) =>
      logSumExp(Array.from({ length: k }, (_, j) => get(row(logA, i), j) + get(b, j) + get(next, j))),
    );
  }
  const normalise = (values: ReadonlyArray<number>): number[] => {
    const total = logSumExp(values);
    return values.map((value) => Math.exp(value - total));
  };
  return {
    filtered: logAlpha.map(normalise),
    smoothed: logAlpha.map((a, t) => normalise(a.map((value, i) => value + get(row(logBeta, t), i)))),
    logLikelihood,
  };
}

/** Order-insensitive sum check helper: every permutation of three additions. */
export function sumsInEveryOrder(a: number, b: number, c: number): number[] {
  return [a + b + c, a + c + b, b + a + c, b + c + a, c + a + b, c + b + a, a + (b + c), b + (a + c), c + (a + b)];
}

/** A known, well-separated 3-regime model on (log return, volatility). */
export const referenceRegimeModel: GaussianHmmParams = {
  initial: [1 / 3, 1 / 3, 1 / 3],
  transition: [
    [0.98, 0.01, 0.01],
    [0.02, 0.96, 0.02],
    [0.01, 0.01, 0.98],
  ],
  means: [
    [0.0008, 0.008],
    [-0.0015, 0.02],
    [0.0, 0.005],
  ],
  covariances: [
    [
      [0.008 ** 2, 0.2 * 0.008 * 0.0015],
      [0.2 * 0.008 * 0.0015, 0.0015 ** 2],
    ],
    [
      [0.02 ** 2, -0.3 * 0.02 * 0.004],
      [-0.3 * 0.02 * 0.004, 0.004 ** 2],
    ],
    [
      [0.005 ** 2, 0],
      [0, 0.001 ** 2],
    ],
  ],
};
