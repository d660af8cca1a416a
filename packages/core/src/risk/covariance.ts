/** A dense matrix as rows. */
export type DenseMatrix = readonly (readonly number[])[];

/**
 * Sample covariance matrix (divisor T − 1) of equal-length columns of complete observations (one
 * column per variable, T ≥ 2 rows, all finite — see `completeRows` for getting there).
 *
 * Two passes — means first, then sums of products of deviations — rather than Σxy − ΣxΣy/T,
 * which cancels catastrophically when the means are large beside the spread.
 */
export function sampleCovariance(columns: readonly ArrayLike<number>[]): number[][] {
  const n = columns.length;
  const rows = columns[0]?.length ?? 0;
  if (rows < 2) throw new RangeError(`a sample covariance needs at least 2 observations, got ${rows}`);
  const centred = columns.map((column, i) => {
    if (column.length !== rows) throw new RangeError(`column ${i} has ${column.length} rows, column 0 has ${rows}`);
    const out = new Float64Array(rows);
    let sum = 0;
    for (let t = 0; t < rows; t += 1) {
      const x = column[t] ?? Number.NaN;
      if (!Number.isFinite(x)) throw new RangeError(`column ${i} row ${t} is not finite: ${x}`);
      out[t] = x;
      sum += x;
    }
    const mean = sum / rows;
    for (let t = 0; t < rows; t += 1) out[t] = (out[t] ?? 0) - mean;
    return out;
  });
  const covariance = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    const a = centred[i] ?? new Float64Array(rows);
    const rowI = covariance[i] ?? [];
    for (let j = 0; j <= i; j += 1) {
      const value = dot(a, centred[j] ?? new Float64Array(rows)) / (rows - 1);
      rowI[j] = value;
      const rowJ = covariance[j];
      if (rowJ !== undefined) rowJ[i] = value;
    }
  }
  return covariance;
}

/** Σ a_t b_t over equal-length arrays, four running sums (independent chains the CPU overlaps). */
function dot(a: Float64Array, b: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  let t = 0;
  for (; t + 3 < n; t += 4) {
    s0 += (a[t] ?? 0) * (b[t] ?? 0);
    s1 += (a[t + 1] ?? 0) * (b[t + 1] ?? 0);
    s2 += (a[t + 2] ?? 0) * (b[t + 2] ?? 0);
    s3 += (a[t + 3] ?? 0) * (b[t + 3] ?? 0);
  }
  for (; t < n; t += 1) s0 += (a[t] ?? 0) * (b[t] ?? 0);
  return s0 + s1 + (s2 + s3);
}

/**
 * ρ_ij = C_ij / √(C_ii C_jj), with an exact 1 on the diagonal and rounding excursions past ±1
 * clipped (they would make √((1 − ρ)/2) and the like NaN). Every variance must be positive: a
 * series that never moved has no correlation with anything.
 */
export function correlationFromCovariance(covariance: DenseMatrix): number[][] {
  assertCovariance(covariance);
  const sd = covariance.map((row, i) => Math.sqrt(row[i] ?? Number.NaN));
  return covariance.map((row, i) =>
    row.map((c, j) => (i === j ? 1 : Math.min(1, Math.max(-1, c / ((sd[i] ?? 1) * (sd[j] ?? 1)))))),
  );
}

/**
 * Throws unless `matrix` is a non-empty square matrix of finite numbers, symmetric (to a relative
 * 1e-9, rounding of sums taken in another order) with a positive diagonal.
 */
export function assertCovariance(matrix: DenseMatrix): void {
  const n = matrix.length;
  if (n === 0) throw new RangeError("covariance matrix is empty");
  for (let i = 0; i < n; i += 1) {
    const row = matrix[i] ?? [];
    if (row.length !== n) throw new RangeError(`covariance row ${i} has ${row.length} entries, expected ${n}`);
    const variance = row[i] ?? Number.NaN;
    if (!(Number.isFinite(variance) && variance > 0)) {
      throw new RangeError(`variance ${i} must be finite and positive, got ${variance}`);
    }
  }
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < i; j += 1) {
      const a = matrix[i]?.[j] ?? Number.NaN;
      const b = matrix[j]?.[i] ?? Number.NaN;
      if (!(Number.isFinite(a) && Number.isFinite(b))) throw new RangeError(`covariance (${i}, ${j}) is not finite`);
      const scale = Math.sqrt((matrix[i]?.[i] ?? 0) * (matrix[j]?.[j] ?? 0));
      if (Math.abs(a - b) > 1e-9 * scale)
        throw new RangeError(`covariance is not symmetric at (${i}, ${j}): ${a} vs ${b}`);
    }
  }
}

/** xᵀ M y. */
export function bilinear(x: readonly number[], matrix: DenseMatrix, y: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < x.length; i += 1) {
    const row = matrix[i] ?? [];
    let inner = 0;
    for (let j = 0; j < y.length; j += 1) inner += (row[j] ?? Number.NaN) * (y[j] ?? Number.NaN);
    total += (x[i] ?? Number.NaN) * inner;
  }
  return total;
}
