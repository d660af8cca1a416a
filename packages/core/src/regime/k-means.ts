/** k-means clustering of n points of dimension d stored row-major in one flat array. */
export interface KMeansResult {
  /** k·d centroid coordinates, row-major. */
  readonly centroids: Float64Array;
  /** The nearest centroid of each point. */
  readonly labels: Int32Array;
}

/** A uniform draw in [0, 1) from the caller's seeded generator; anything else is a caller bug. */
export function draw(random: () => number): number {
  const u = random();
  if (!(u >= 0 && u < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${u}`);
  return u;
}

function squaredDistance(points: Float64Array, i: number, centroids: Float64Array, c: number, d: number): number {
  let sum = 0;
  for (let m = 0; m < d; m++) {
    const diff = (points[i * d + m] ?? 0) - (centroids[c * d + m] ?? 0);
    sum += diff * diff;
  }
  return sum;
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii, 2007: each new centre drawn with probability
 * proportional to the squared distance to the nearest centre so far) followed by Lloyd iterations
 * until no point changes cluster. An emptied cluster keeps its previous centroid.
 */
export function kMeansPlusPlus(
  points: Float64Array,
  d: number,
  k: number,
  random: () => number,
  maxIterations = 100,
): KMeansResult {
  const n = Math.floor(points.length / d);
  if (n < k) throw new RangeError(`k-means needs at least ${k} points, got ${n}`);
  const centroids = new Float64Array(k * d);
  const copyPoint = (point: number, centre: number): void => {
    for (let m = 0; m < d; m++) centroids[centre * d + m] = points[point * d + m] ?? 0;
  };

  copyPoint(Math.floor(draw(random) * n), 0);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dist = squaredDistance(points, i, centroids, c - 1, d);
      if (dist < (nearest[i] ?? 0)) nearest[i] = dist;
      total += nearest[i] ?? 0;
    }
    let chosen = n - 1;
    if (total > 0) {
      let target = draw(random) * total;
      for (let i = 0; i < n; i++) {
        target -= nearest[i] ?? 0;
        if (target < 0) {
          chosen = i;
          break;
        }
      }
    } else {
      // Every point coincides with a chosen centre: any pick is as good as another.
      chosen = Math.floor(draw(random) * n);
    }
    copyPoint(chosen, c);
  }

  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDist = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const dist = squaredDistance(points, i, centroids, c, d);
        if (dist < bestDist) {
          bestDist = dist;
          best = c;
        }
      }
      if (labels[i] !== best) {
        labels[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i] ?? 0;
      counts[c] = (counts[c] ?? 0) + 1;
      for (let m = 0; m < d; m++) sums[c * d + m] = (sums[c * d + m] ?? 0) + (points[i * d + m] ?? 0);
    }
    for (let c = 0; c < k; c++) {
      const count = counts[c] ?? 0;
      if (count === 0) continue;
      for (let m = 0; m < d; m++) centroids[c * d + m] = (sums[c * d + m] ?? 0) / count;
    }
  }
  return { centroids, labels };
}
