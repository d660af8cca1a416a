/**
 * A model output as a function of a batch of feature rows (row-major `rows × F`), one value per row.
 * May be async so an ONNX Runtime session can stand behind it.
 */
export type BatchFunction = (batch: Float64Array, rows: number) => ArrayLike<number> | Promise<ArrayLike<number>>;

export interface ShapleyInput {
  readonly f: BatchFunction;
  /** The row being explained, in `featureNames` order. */
  readonly x: ArrayLike<number>;
  /** Reference rows standing in for "feature unknown"; their mean output is the base value. */
  readonly background: readonly ArrayLike<number>[];
  readonly featureNames: readonly string[];
  /** Rows per call to `f`; bounds memory (default 65 536). */
  readonly maxBatchRows?: number;
}

export interface ShapleyExplanation {
  /** v(∅) = mean over the background of f(b). */
  readonly baseValue: number;
  /** φ per feature; baseValue + Σ φ = output. */
  readonly values: Readonly<Record<string, number>>;
  /** f(x). */
  readonly output: number;
}

/** 2^F coalitions × background rows grows fast; past this exact enumeration is the wrong tool. */
export const maxExactShapleyFeatures = 16;

/**
 * The Shapley weight of a coalition of size s among F players, s!(F−s−1)!/F!, computed as
 * 1 / (F · C(F−1, s)) so no factorial overflows or loses precision.
 */
function shapleyWeights(featureCount: number): Float64Array {
  const weights = new Float64Array(featureCount);
  let binomial = 1;
  for (let s = 0; s < featureCount; s++) {
    weights[s] = 1 / (featureCount * binomial);
    binomial = (binomial * (featureCount - 1 - s)) / (s + 1);
  }
  return weights;
}

function popCount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}

/**
 * Shapley values of a cooperative game given as its value for every coalition: `coalitionValues[S]`
 * is v(S), with bit i of S set when player i is in. φ_i = Σ_{S ∌ i} |S|!(F−|S|−1)!/F! (v(S∪{i}) − v(S)).
 */
export function shapleyFromCoalitionValues(coalitionValues: ArrayLike<number>, featureCount: number): Float64Array {
  if (!Number.isInteger(featureCount) || featureCount < 1 || featureCount > 30) {
    throw new RangeError(`feature count must be an integer in [1, 30], got ${featureCount}`);
  }
  const coalitions = 2 ** featureCount;
  if (coalitionValues.length !== coalitions) {
    throw new RangeError(`expected ${coalitions} coalition values, got ${coalitionValues.length}`);
  }
  const weights = shapleyWeights(featureCount);
  const phi = new Float64Array(featureCount);
  for (let mask = 0; mask < coalitions; mask++) {
    const w = weights[popCount(mask)];
    if (w === undefined) continue; // the grand coalition has no feature left to add
    const without = coalitionValues[mask] as number;
    for (let i = 0; i < featureCount; i++) {
      const bit = 1 << i;
      if ((mask & bit) === 0) phi[i] = (phi[i] as number) + w * ((coalitionValues[mask | bit] as number) - without);
    }
  }
  return phi;
}

/**
 * Exact interventional Shapley values of f at x against a background sample:
 * v(S) = mean_b f(x_S ∪ b_S̄), the features in S taken from x and the others from background row b.
 * Every coalition is evaluated once, in large batches; the grand coalition is the single row x, so
 * v(N) = f(x) exactly and baseValue + Σ φ equals the output up to float64 summation error.
 */
export async function exactShapley(input: ShapleyInput): Promise<ShapleyExplanation> {
  const { f, x, background, featureNames } = input;
  const featureCount = featureNames.length;
  if (featureCount < 1 || featureCount > maxExactShapleyFeatures) {
    throw new RangeError(`exact Shapley takes 1 to ${maxExactShapleyFeatures} features, got ${featureCount}`);
  }
  if (new Set(featureNames).size !== featureCount) throw new RangeError("feature names must be distinct");
  if (x.length !== featureCount) throw new RangeError(`x has ${x.length} values for ${featureCount} features`);
  if (background.length === 0) throw new RangeError("the background sample is empty");
  for (const [b, row] of background.entries()) {
    if (row.length !== featureCount) throw new RangeError(`background row ${b} has ${row.length} values`);
  }
  const maxBatchRows = input.maxBatchRows ?? 65_536;
  if (!Number.isInteger(maxBatchRows) || maxBatchRows < 1)
    throw new RangeError("maxBatchRows must be a positive integer");

  const grand = 2 ** featureCount - 1;
  const backgroundRows = background.length;
  const values = new Float64Array(grand + 1);
  // Whole coalitions per call, but at least one even when the background alone exceeds the limit.
  const coalitionsPerCall = Math.max(1, Math.floor(maxBatchRows / backgroundRows));
  const buffer = new Float64Array(Math.min(coalitionsPerCall, grand) * backgroundRows * featureCount);

  for (let first = 0; first < grand; first += coalitionsPerCall) {
    const last = Math.min(first + coalitionsPerCall, grand);
    let offset = 0;
    for (let mask = first; mask < last; mask++) {
      for (const row of background) {
        for (let i = 0; i < featureCount; i++) {
          buffer[offset++] = (mask & (1 << i)) !== 0 ? (x[i] as number) : (row[i] as number);
        }
      }
    }
    const rows = (last - first) * backgroundRows;
    const outputs = await f(buffer.subarray(0, rows * featureCount), rows);
    if (outputs.length !== rows) throw new RangeError(`f returned ${outputs.length} values for ${rows} rows`);
    for (let mask = first; mask < last; mask++) {
      const start = (mask - first) * backgroundRows;
      let sum = 0;
      for (let b = 0; b < backgroundRows; b++) sum += outputs[start + b] as number;
      values[mask] = sum / backgroundRows;
    }
  }
  const outputs = await f(Float64Array.from(x), 1);
  const output = outputs[0];
  if (outputs.length !== 1 || output === undefined)
    throw new RangeError(`f returned ${outputs.length} values for 1 row`);
  values[grand] = output;

  const phi = shapleyFromCoalitionValues(values, featureCount);
  const explanation: Record<string, number> = {};
  for (const [i, name] of featureNames.entries()) explanation[name] = phi[i] as number;
  return { baseValue: values[0] as number, values: explanation, output };
}
