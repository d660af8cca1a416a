import type { DenseMatrix } from "./covariance";

/**
 * One agglomeration step of a dendrogram over n items. Clusters are numbered as in SciPy's
 * linkage matrix: the items are 0 … n − 1 and the k-th merge (0-based) creates cluster n + k, so
 * the root is 2n − 2.
 */
export interface Merge {
  /** The lower-numbered of the two clusters joined. */
  readonly left: number;
  readonly right: number;
  /** The linkage distance at which they joined (non-decreasing along the merges). */
  readonly distance: number;
  /** Items in the new cluster. */
  readonly size: number;
}

/**
 * Single-linkage agglomerative clustering of n items from their distance matrix: repeatedly join
 * the two clusters whose CLOSEST members are nearest, the new cluster's distance to any other being
 * the minimum of its parts' distances.
 *
 * Computed the O(n²) way rather than by the O(n³) textbook loop: the single-linkage merges are
 * exactly the edges of a minimum spanning tree taken in increasing order of length (two clusters
 * join at the length of the shortest edge between them, and that edge is in the MST), so Prim's
 * algorithm on the dense matrix followed by a union–find pass over its sorted edges gives the same
 * dendrogram (SciPy does the same). Equal distances are a genuine ambiguity of single linkage —
 * the heights and the partition at every height are the same either way — settled here by Prim's
 * lowest-index choice and a stable sort.
 *
 * Only the strict lower triangle of `distance` is read, but the matrix must be square, symmetric,
 * finite and non-negative off the diagonal.
 */
export function singleLinkage(distance: DenseMatrix): Merge[] {
  const n = distance.length;
  assertDistances(distance);
  if (n < 2) return [];
  const at = (i: number, j: number): number => (i > j ? distance[i]?.[j] : distance[j]?.[i]) ?? Number.NaN;

  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n);
  const edges: { a: number; b: number; length: number }[] = [];
  let latest = 0;
  inTree[0] = 1;
  for (let step = 1; step < n; step += 1) {
    let next = -1;
    for (let j = 0; j < n; j += 1) {
      if (inTree[j] === 1) continue;
      const d = at(latest, j);
      if (d < (best[j] ?? Number.POSITIVE_INFINITY)) {
        best[j] = d;
        from[j] = latest;
      }
      if (next < 0 || (best[j] ?? 0) < (best[next] ?? 0)) next = j;
    }
    inTree[next] = 1;
    edges.push({ a: from[next] ?? 0, b: next, length: best[next] ?? 0 });
    latest = next;
  }
  edges.sort((x, y) => x.length - y.length);

  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] ?? r;
    let j = i;
    while (parent[j] !== r) {
      const up = parent[j] ?? r;
      parent[j] = r;
      j = up;
    }
    return r;
  };
  const label = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Int32Array(n).fill(1);
  return edges.map((edge, k) => {
    const ra = root(edge.a);
    const rb = root(edge.b);
    const la = label[ra] ?? 0;
    const lb = label[rb] ?? 0;
    const joined = (size[ra] ?? 0) + (size[rb] ?? 0);
    parent[rb] = ra;
    size[ra] = joined;
    label[ra] = n + k;
    return { left: Math.min(la, lb), right: Math.max(la, lb), distance: edge.length, size: joined };
  });
}

/** The items under cluster `id` of a dendrogram over n items, left subtree first. */
export function clusterItems(merges: readonly Merge[], n: number, id: number): number[] {
  const items: number[] = [];
  const stack = [id];
  while (stack.length > 0) {
    const top = stack.pop() ?? 0;
    if (top < n) items.push(top);
    else {
      const merge = merges[top - n];
      if (merge === undefined) throw new RangeError(`cluster ${top} does not exist`);
      stack.push(merge.right, merge.left);
    }
  }
  return items;
}

function assertDistances(distance: DenseMatrix): void {
  const n = distance.length;
  for (let i = 0; i < n; i += 1) {
    const row = distance[i] ?? [];
    if (row.length !== n) throw new RangeError(`distance row ${i} has ${row.length} entries, expected ${n}`);
    for (let j = 0; j < i; j += 1) {
      const d = row[j] ?? Number.NaN;
      if (!(Number.isFinite(d) && d >= 0))
        throw new RangeError(`distance (${i}, ${j}) must be finite and >= 0, got ${d}`);
      const mirror = distance[j]?.[i] ?? Number.NaN;
      if (!(Math.abs(d - mirror) <= 1e-12 * Math.max(1, d))) {
        throw new RangeError(`distance matrix is not symmetric at (${i}, ${j})`);
      }
    }
  }
}
