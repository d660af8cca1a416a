import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";
import { RollingWindow } from "./rolling-window";

/** Shape statistics of the latest `period` inputs, the SAMPLE (bias-adjusted) estimators. */
export interface RollingShapeValue {
  /** Adjusted Fisher–Pearson skewness G1 = √(n(n−1))/(n−2) · m3/m2^{3/2} (Excel SKEW, pandas skew). */
  readonly skewness: number;
  /** Sample excess kurtosis G2 = (n−1)/((n−2)(n−3)) · ((n+1)·(m4/m2² − 3) + 6) (Excel KURT, pandas kurt). */
  readonly excessKurtosis: number;
}

/**
 * When the window's central Σ(x − x̄)² or Σ(x − x̄)⁴ falls below this fraction of the peak its
 * running sum reached since the last exact recomputation (a large input left the window), the
 * sums have lost too many digits to cancellation and are recomputed: their rounding residue is of
 * order n·ε·peak, so it stays below ~1e-10 of what remains.
 */
const collapseRatio = 1e-4;
/**
 * When the window's mean has drifted from the shift K by more than this many standard
 * deviations, the binomial expansion below would cancel ~(drift/σ)⁴ digits: recompute (re-centre).
 */
const maximumDrift = 10;

/**
 * Rolling skewness and excess kurtosis in O(1) per update from running power sums
 * S_p = Σ(x − K)^p, p = 1..4, of the window, K a recent mean of it. Central moments
 * m_p = Σ(x − x̄)^p / n follow from the binomial expansion in μ = S_1/n, which is small beside the
 * spread because K sits near the mean, so the expansion cancels little. Sliding updates add and
 * subtract p-th powers and accumulate rounding, so K and the sums are recomputed exactly from the
 * window (two passes) after every `period` updates, which is amortised O(1), and at once when the
 * window's central moments collapse relative to the sums' recent peaks (a large input just left)
 * or its mean drifts far from K (a level shift). Inputs in the units of returns (1e-2) or prices
 * are both fine; the shift keeps the powers of deviations, not of levels. (A window whose scale
 * keeps collapsing, input after input, is recomputed at each: O(period) then, never wrong.)
 *
 * A window of identical inputs has m2 = 0 and no shape: the value is undefined (absent), decided
 * exactly (the last `period` inputs equal), not from a rounded m2. Warm-up: `period` inputs (>= 4,
 * what G2 needs).
 */
export class RollingShape implements Indicator<number, RollingShapeValue> {
  readonly name: string;
  readonly warmup: number;
  readonly period: number;
  readonly #window: RollingWindow;
  readonly #skewFactor: number;
  readonly #kurtosisFactor: number;
  #shift = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  #s4 = 0;
  #peak2 = 0;
  #peak4 = 0;
  #updatesSinceExact = 0;
  #run = 0;
  #last = Number.NaN;
  #value: RollingShapeValue | undefined;

  constructor(period: number) {
    assertPeriod("RollingShape period", period, 4);
    this.period = period;
    this.warmup = period;
    this.name = `shape(${period})`;
    this.#window = new RollingWindow(period);
    const n = period;
    this.#skewFactor = Math.sqrt(n * (n - 1)) / (n - 2);
    this.#kurtosisFactor = (n - 1) / ((n - 2) * (n - 3));
  }

  update(x: number): RollingShapeValue | undefined {
    this.#advance(x);
    return this.#value;
  }

  value(): RollingShapeValue | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#window.clear();
    this.#shift = 0;
    this.#s1 = 0;
    this.#s2 = 0;
    this.#s3 = 0;
    this.#s4 = 0;
    this.#peak2 = 0;
    this.#peak4 = 0;
    this.#updatesSinceExact = 0;
    this.#run = 0;
    this.#last = Number.NaN;
    this.#value = undefined;
  }

  #advance(x: number): void {
    assertFiniteInput(this.name, x);
    if (this.#window.size === 0) this.#shift = x;
    this.#run = x === this.#last ? this.#run + 1 : 1;
    this.#last = x;
    const evicted = this.#window.push(x);
    this.#add(x - this.#shift, 1);
    if (evicted !== undefined) {
      this.#add(evicted - this.#shift, -1);
      this.#updatesSinceExact += 1;
      if (this.#updatesSinceExact >= this.period) this.#recomputeExactly();
    }
    if (this.#s2 > this.#peak2) this.#peak2 = this.#s2;
    if (this.#s4 > this.#peak4) this.#peak4 = this.#s4;
    if (!this.#window.isFull || this.#run >= this.period) {
      this.#value = undefined;
      return;
    }
    let moments = this.#centralMoments();
    const n = this.period;
    if (
      moments.mu * moments.mu > maximumDrift * maximumDrift * moments.m2 ||
      n * moments.m2 < this.#peak2 * collapseRatio ||
      n * moments.m4 < this.#peak4 * collapseRatio
    ) {
      this.#recomputeExactly();
      moments = this.#centralMoments();
    }
    this.#value = this.#shape(moments);
  }

  #add(d: number, sign: 1 | -1): void {
    const d2 = d * d;
    this.#s1 += sign * d;
    this.#s2 += sign * d2;
    this.#s3 += sign * d2 * d;
    this.#s4 += sign * d2 * d2;
  }

  /** μ = mean of x − K, and the central moments m_p = Σ(x − x̄)^p/n by binomial expansion. */
  #centralMoments(): { mu: number; m2: number; m3: number; m4: number } {
    const n = this.period;
    const mu = this.#s1 / n;
    const a2 = this.#s2 / n;
    const a3 = this.#s3 / n;
    const a4 = this.#s4 / n;
    const mu2 = mu * mu;
    return {
      mu,
      m2: a2 - mu2,
      m3: a3 - 3 * mu * a2 + 2 * mu2 * mu,
      m4: a4 - 4 * mu * a3 + 6 * mu2 * a2 - 3 * mu2 * mu2,
    };
  }

  #shape({ m2, m3, m4 }: { m2: number; m3: number; m4: number }): RollingShapeValue | undefined {
    const n = this.period;
    // A window that is not constant has m2 > 0; rounding can only leave a positive m2 tiny, and
    // a denormal one could overflow the ratios below.
    const skewness = (this.#skewFactor * m3) / (m2 * Math.sqrt(m2));
    const excessKurtosis = this.#kurtosisFactor * ((n + 1) * (m4 / (m2 * m2) - 3) + 6);
    const finite = m2 > 0 && Number.isFinite(skewness) && Number.isFinite(excessKurtosis);
    return finite ? { skewness, excessKurtosis } : undefined;
  }

  /** Re-centres K on the window's mean and sums the powers afresh. */
  #recomputeExactly(): void {
    const n = this.#window.size;
    let total = 0;
    this.#window.forEach((v) => {
      total += v;
    });
    this.#shift = total / n;
    this.#s1 = 0;
    this.#s2 = 0;
    this.#s3 = 0;
    this.#s4 = 0;
    this.#window.forEach((v) => {
      this.#add(v - this.#shift, 1);
    });
    this.#peak2 = this.#s2;
    this.#peak4 = this.#s4;
    this.#updatesSinceExact = 0;
  }
}
