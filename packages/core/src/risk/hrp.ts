import { type Merge, singleLinkage } from "./clustering";
import { assertCovariance, correlationFromCovariance, type DenseMatrix } from "./covariance";

/**
 * Which distance the tree is grown on:
 * - "correlation": d_ij = √((1 − ρ_ij)/2) itself (as PyPortfolioOpt and Riskfolio-Lib do).
 * - "euclidean": d̃_ij = √(Σ_k (d_ki − d_kj)²), the Euclidean distance between the COLUMNS of d —
 *   step 1 of López de Prado (2016), "Building diversified portfolios that outperform out of
 *   sample", and what his published code computes (SciPy's `linkage` treats the square matrix d as
 *   observation vectors). It compares two assets by their whole correlation profile.
 */
export type HrpDistance = "correlation" | "euclidean";

/**
 * How each merge's two children are ordered in the quasi-diagonal order, which matters because the
 * bisection cuts the ORDER in halves, not the tree:
 * - "canonical" (default): from the data, so the weights do not depend on the order the assets
 *   were listed in: the child with fewer items first, then the one that formed at the lower
 *   height, then the one holding the lowest single variance; input position only breaks exact ties.
 * - "linkage": the lower-numbered cluster first, SciPy's convention and thus the reference code's;
 *   relabelling the assets can then change the weights.
 */
export type HrpOrientation = "canonical" | "linkage";

export interface HrpOptions {
  /** Default "correlation". */
  readonly distance?: HrpDistance;
  /** Default "canonical". */
  readonly orientation?: HrpOrientation;
}

export interface HrpResult {
  /** One per asset, in the covariance's order; ≥ 0, summing to 1. */
  readonly weights: number[];
  /** The quasi-diagonal order: asset indices as the seriated dendrogram lists them. */
  readonly order: number[];
  /** The single-linkage dendrogram (see `Merge`). */
  readonly merges: Merge[];
}

/** d_ij = √((1 − ρ_ij)/2): 0 for perfectly correlated, 1/√2 for uncorrelated, 1 for opposite assets. */
export function correlationDistance(correlation: DenseMatrix): number[][] {
  return correlation.map((row) => row.map((rho) => Math.sqrt(Math.min(1, Math.max(0, (1 - rho) / 2)))));
}

/** d̃_ij = √(Σ_k (d_ki − d_kj)²): the Euclidean distance between columns i and j of `distance`. */
export function euclideanDistanceOfColumns(distance: DenseMatrix): number[][] {
  const n = distance.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < i; j += 1) {
      let sum = 0;
      for (let k = 0; k < n; k += 1) {
        const diff = (distance[k]?.[i] ?? Number.NaN) - (distance[k]?.[j] ?? Number.NaN);
        sum += diff * diff;
      }
      const d = Math.sqrt(sum);
      const rowI = out[i];
      const rowJ = out[j];
      if (rowI !== undefined) rowI[j] = d;
      if (rowJ !== undefined) rowJ[i] = d;
    }
  }
  return out;
}

/**
 * The quasi-diagonalisation: the leaves of the dendrogram read left to right (each merge's first
 * child's items, then its second's), which places similar assets next to each other so the
 * covariance matrix, reordered, concentrates its large entries near the diagonal.
 */
export function quasiDiagonalOrder(
  merges: readonly Merge[],
  variances: readonly number[],
  orientation: HrpOrientation = "canonical",
): number[] {
  const n = variances.length;
  if (n === 0) return [];
  if (merges.length !== n - 1) throw new RangeError(`${merges.length} merges for ${n} items`);
  // Per cluster: items, formation height, lowest variance, lowest index.
  const size: number[] = [];
  const height: number[] = [];
  const lowestVariance: number[] = [];
  const lowestIndex: number[] = [];
  for (let i = 0; i < n; i += 1) {
    size.push(1);
    height.push(0);
    lowestVariance.push(variances[i] ?? Number.NaN);
    lowestIndex.push(i);
  }
  for (const merge of merges) {
    size.push(merge.size);
    height.push(merge.distance);
    lowestVariance.push(Math.min(lowestVariance[merge.left] ?? Number.NaN, lowestVariance[merge.right] ?? Number.NaN));
    lowestIndex.push(Math.min(lowestIndex[merge.left] ?? 0, lowestIndex[merge.right] ?? 0));
  }
  const key = (id: number): number[] => [size[id] ?? 0, height[id] ?? 0, lowestVariance[id] ?? 0, lowestIndex[id] ?? 0];
  const precedes = (a: number, b: number): boolean => {
    const ka = key(a);
    const kb = key(b);
    for (let k = 0; k < ka.length; k += 1) {
      if ((ka[k] ?? 0) !== (kb[k] ?? 0)) return (ka[k] ?? 0) < (kb[k] ?? 0);
    }
    return a < b;
  };
  const order: number[] = [];
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const id = stack.pop() ?? 0;
    if (id < n) {
      order.push(id);
      continue;
    }
    const merge = merges[id - n];
    if (merge === undefined) throw new RangeError(`cluster ${id} does not exist`);
    const leftFirst = orientation === "linkage" || precedes(merge.left, merge.right);
    const [first, second] = leftFirst ? [merge.left, merge.right] : [merge.right, merge.left];
    stack.push(second, first);
  }
  return order;
}

/**
 * Variance of the inverse-variance portfolio of `items`: w = diag(C)⁻¹ / Σ diag(C)⁻¹ over the
 * items, then wᵀ C w — López de Prado's measure of a cluster's risk in the bisection.
 */
export function inverseVarianceClusterVariance(covariance: DenseMatrix, items: readonly number[]): number {
  let norm = 0;
  for (const i of items) norm += 1 / (covariance[i]?.[i] ?? Number.NaN);
  let variance = 0;
  for (const i of items) {
    const wi = 1 / (covariance[i]?.[i] ?? Number.NaN) / norm;
    const row = covariance[i] ?? [];
    for (const j of items) variance += wi * ((1 / (covariance[j]?.[j] ?? Number.NaN) / norm) * (row[j] ?? Number.NaN));
  }
  return variance;
}

/**
 * A cluster's IVP variance, which a positive semi-definite covariance makes ≥ 0: a value below
 * rounding level of the cluster's variances proves the matrix is not one (pairwise-estimated, or
 * made up), and the weights would then be meaningless; rounding just below zero is zero.
 */
function clusterVariance(covariance: DenseMatrix, items: readonly number[]): number {
  const variance = inverseVarianceClusterVariance(covariance, items);
  let largest = 0;
  for (const i of items) largest = Math.max(largest, covariance[i]?.[i] ?? 0);
  if (!(variance >= -1e-12 * largest)) {
    throw new RangeError(`cluster variance ${variance} < 0: the covariance is not positive semi-definite`);
  }
  return Math.max(0, variance);
}

/**
 * The recursive bisection: every weight starts at 1; each list of two or more assets is cut into
 * its first ⌊m/2⌋ and the rest, the halves' variances V₀, V₁ taken by
 * `inverseVarianceClusterVariance`, and the first half's weights scaled by α = 1 − V₀/(V₀ + V₁),
 * the second's by 1 − α — between the two halves, weight inversely proportional to variance
 * (α·V₀ = (1 − α)·V₁) — until every list is one asset.
 */
export function recursiveBisection(covariance: DenseMatrix, order: readonly number[]): number[] {
  const weights = new Array<number>(covariance.length).fill(0);
  for (const i of order) weights[i] = 1;
  let lists: (readonly number[])[] = order.length > 0 ? [order] : [];
  while (lists.length > 0) {
    const next: (readonly number[])[] = [];
    for (const list of lists) {
      if (list.length < 2) continue;
      const half = Math.floor(list.length / 2);
      const first = list.slice(0, half);
      const second = list.slice(half);
      const v0 = clusterVariance(covariance, first);
      const v1 = clusterVariance(covariance, second);
      // Two riskless halves (perfect hedges both) share equally; one riskless half takes everything.
      const alpha = v0 + v1 > 0 ? 1 - v0 / (v0 + v1) : 0.5;
      for (const i of first) weights[i] = (weights[i] ?? 0) * alpha;
      for (const i of second) weights[i] = (weights[i] ?? 0) * (1 - alpha);
      next.push(first, second);
    }
    lists = next;
  }
  return weights;
}

/**
 * Hierarchical risk parity (López de Prado, 2016) from a covariance matrix: correlation distance,
 * single-linkage tree (`singleLinkage`), quasi-diagonal order, recursive bisection. The weights
 * are long-only and sum to 1 (to rounding); no matrix is inverted, so a singular covariance (fewer
 * observations than assets) is fine. Every variance must be positive.
 */
export function hierarchicalRiskParity(covariance: DenseMatrix, options: HrpOptions = {}): HrpResult {
  assertCovariance(covariance);
  const correlation = correlationFromCovariance(covariance);
  const d = correlationDistance(correlation);
  const merges = singleLinkage((options.distance ?? "correlation") === "euclidean" ? euclideanDistanceOfColumns(d) : d);
  const variances = covariance.map((row, i) => row[i] ?? Number.NaN);
  const order = quasiDiagonalOrder(merges, variances, options.orientation ?? "canonical");
  return { weights: recursiveBisection(covariance, order), order, merges };
}
