/**
 * Dense linear algebra for the tiny symmetric matrices of the regime HMM (one D x D covariance per
 * state, D = 2 in practice). Matrices are arrays of rows. Nothing here is meant for large inputs.
 */
export type Matrix = number[][];
export type ReadonlyMatrix = ReadonlyArray<ReadonlyArray<number>>;

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

function at(m: ReadonlyMatrix, i: number, j: number): number {
  const value = m[i]?.[j];
  if (value === undefined) throw new RangeError(`matrix index (${i}, ${j}) out of range`);
  return value;
}

function setAt(m: Matrix, i: number, j: number, value: number): void {
  const row = m[i];
  if (row === undefined || j >= row.length) throw new RangeError(`matrix index (${i}, ${j}) out of range`);
  row[j] = value;
}

/**
 * Lower-triangular L with L Lᵀ = a, or null when `a` is not (numerically) positive definite.
 * Only the lower triangle of `a` is read.
 */
export function cholesky(a: ReadonlyMatrix): Matrix | null {
  const n = a.length;
  const l = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = at(a, i, j);
      for (let k = 0; k < j; k++) sum -= at(l, i, k) * at(l, j, k);
      if (i === j) {
        // `!(sum > 0)` also catches NaN.
        if (!(sum > 0)) return null;
        setAt(l, i, i, Math.sqrt(sum));
      } else {
        setAt(l, i, j, sum / at(l, j, j));
      }
    }
  }
  return l;
}

export interface SymmetricEigen {
  readonly values: number[];
  /** Eigenvectors as COLUMNS: `vectors[i][j]` is component i of the eigenvector for `values[j]`. */
  readonly vectors: Matrix;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: slow for big matrices,
 * but exact to rounding and unconditionally stable, which is what a 2x2 or 3x3 covariance needs.
 */
export function symmetricEigen(input: ReadonlyMatrix): SymmetricEigen {
  const n = input.length;
  const a = input.map((row) => {
    if (row.length !== n) throw new RangeError("symmetricEigen needs a square matrix");
    return [...row];
  });
  const v = zeros(n, n);
  for (let i = 0; i < n; i++) setAt(v, i, i, 1);
  let scale = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scale += at(a, i, j) ** 2;

  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += at(a, p, q) ** 2;
    if (off <= 1e-32 * scale || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(a, p, q);
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q]; t is the smaller root of t² + 2θt − 1 = 0.
        const theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(a, k, p);
          const akq = at(a, k, q);
          setAt(a, k, p, c * akp - s * akq);
          setAt(a, k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = at(a, p, k);
          const aqk = at(a, q, k);
          setAt(a, p, k, c * apk - s * aqk);
          setAt(a, q, k, s * apk + c * aqk);
        }
        setAt(a, p, q, 0);
        setAt(a, q, p, 0);
        for (let k = 0; k < n; k++) {
          const vkp = at(v, k, p);
          const vkq = at(v, k, q);
          setAt(v, k, p, c * vkp - s * vkq);
          setAt(v, k, q, s * vkp + c * vkq);
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => at(a, i, i)), vectors: v };
}

/**
 * The covariance closest in Gaussian likelihood to `sample` among those whose eigenvalues, measured
 * in units of `scale` (per-dimension standard deviations), are all at least `floor`: eigenvalues of
 * D⁻¹·sample·D⁻¹ (D = diag(scale)) below `floor` are raised to it. This is the exact maximiser of
 * −½·(log|Σ| + tr(Σ⁻¹·sample)) over that constraint set, so an EM M-step that uses it stays a true
 * maximisation step and the likelihood still never decreases, while no state can shrink onto a point.
 */
export function floorCovariance(sample: ReadonlyMatrix, scale: ReadonlyArray<number>, floor: number): Matrix {
  const n = sample.length;
  if (scale.length !== n) throw new RangeError("floorCovariance: scale has the wrong length");
  const s = (i: number): number => {
    const value = scale[i];
    if (value === undefined || !(value > 0)) throw new RangeError("floorCovariance: scales must be positive");
    return value;
  };
  const standardised = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Symmetrise on the way in: rounding can leave sample[i][j] and sample[j][i] a bit apart.
      setAt(standardised, i, j, (0.5 * (at(sample, i, j) + at(sample, j, i))) / (s(i) * s(j)));
    }
  }
  const { values, vectors } = symmetricEigen(standardised);
  const clipped = values.map((value) => Math.max(value, floor));
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += at(vectors, i, k) * (clipped[k] ?? 0) * at(vectors, j, k);
      const value = sum * s(i) * s(j);
      setAt(out, i, j, value);
      setAt(out, j, i, value);
    }
  }
  return out;
}
