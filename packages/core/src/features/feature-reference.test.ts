import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { featureDefinitions } from "./feature-definitions";
import { batchCompute } from "./feature-pipeline";
import { randomWalkBars } from "./testing/random-walk-bars";

/*
 * A second, deliberately naive implementation of every registered feature, written from the
 * textbook definitions without the indicator classes: whole arrays, windows recomputed from
 * scratch at every bar (O(n·window)), recursions written out plainly. Nothing here is shared
 * with the code under test except the Bar type.
 */

type Series = (number | undefined)[];

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function sampleStandardDeviation(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** EMA with α = 2/(n+1): nothing before index n−1, the SMA of the first n there, then the recursion. */
function referenceEma(values: readonly number[], n: number, alpha = 2 / (n + 1)): Series {
  const out: Series = values.map(() => undefined);
  if (values.length < n) return out;
  let ema = mean(values.slice(0, n));
  out[n - 1] = ema;
  for (let i = n; i < values.length; i += 1) {
    ema = alpha * (values[i] as number) + (1 - alpha) * ema;
    out[i] = ema;
  }
  return out;
}

function referenceRsi(closes: readonly number[], n: number): Series {
  const out: Series = closes.map(() => undefined);
  const changes = closes.slice(1).map((c, i) => c - (closes[i] as number));
  const gains = changes.map((c) => Math.max(c, 0));
  const losses = changes.map((c) => Math.max(-c, 0));
  if (changes.length < n) return out;
  let averageGain = mean(gains.slice(0, n));
  let averageLoss = mean(losses.slice(0, n));
  const rsi = () => (averageLoss === 0 ? (averageGain === 0 ? 50 : 100) : 100 - 100 / (1 + averageGain / averageLoss));
  // changes[k] is the change into closes[k + 1]
  out[n] = rsi();
  for (let k = n; k < changes.length; k += 1) {
    averageGain = (averageGain * (n - 1) + (gains[k] as number)) / n;
    averageLoss = (averageLoss * (n - 1) + (losses[k] as number)) / n;
    out[k + 1] = rsi();
  }
  return out;
}

function referenceFeatures(bars: readonly Bar[]): Record<string, number>[] {
  const closes = bars.map((b) => b.close);
  const volumes = bars.map((b) => b.volume);
  const ema12 = referenceEma(closes, 12);
  const ema26 = referenceEma(closes, 26);
  const macdLine: Series = closes.map((_, t) => {
    const fast = ema12[t];
    const slow = ema26[t];
    return fast === undefined || slow === undefined ? undefined : fast - slow;
  });
  const firstMacd = macdLine.findIndex((v) => v !== undefined);
  const signalTail = referenceEma(macdLine.slice(firstMacd) as number[], 9);
  const signal: Series = closes.map((_, t) => (t < firstMacd ? undefined : signalTail[t - firstMacd]));
  const rsi14 = referenceRsi(closes, 14);

  return bars.map((bar, t) => {
    const f: Record<string, number | undefined> = {};
    f.price = bar.close;
    for (const k of [1, 5, 20]) f[`returns_${k}`] = t >= k ? bar.close / (closes[t - k] as number) - 1 : undefined;
    f.log_return_1 = t >= 1 ? Math.log(bar.close / (closes[t - 1] as number)) : undefined;
    if (t >= 20) {
      const logReturns: number[] = [];
      for (let i = t - 19; i <= t; i += 1) logReturns.push(Math.log((closes[i] as number) / (closes[i - 1] as number)));
      f.volatility_20 = sampleStandardDeviation(logReturns);
    }
    f.rsi_14 = rsi14[t];
    f.ema_12 = ema12[t];
    f.ema_26 = ema26[t];
    f.macd = macdLine[t];
    f.macd_signal = signal[t];
    const line = macdLine[t];
    const sig = signal[t];
    f.macd_histogram = line === undefined || sig === undefined ? undefined : line - sig;
    if (t >= 20) {
      const previous = mean(volumes.slice(t - 20, t));
      f.volume_ratio = previous > 0 ? bar.volume / previous : undefined;
    }
    return Object.fromEntries(Object.entries(f).filter((entry): entry is [string, number] => entry[1] !== undefined));
  });
}

const cases = [
  { label: "a 1%-per-bar random walk from 100", bars: randomWalkBars(5_000, { seed: 42 }) },
  {
    label: "a 3%-per-bar random walk from 25,000",
    bars: randomWalkBars(5_000, { seed: 43, startPrice: 25_000, volatility: 0.03 }),
  },
];

describe("the pipeline against a naive reference implementation", () => {
  it("has a reference for every registered feature", () => {
    const referenced = new Set(Object.keys(referenceFeatures(randomWalkBars(60, { seed: 1 })).at(-1) ?? {}));
    expect([...referenced].sort()).toEqual(featureDefinitions.map((d) => d.name).sort());
  });

  for (const { label, bars } of cases) {
    it(`agrees to 1e-9 on every feature at every one of 5,000 bars of ${label}`, () => {
      const expected = referenceFeatures(bars);
      const actual = batchCompute(bars);
      let compared = 0;
      let worst = 0;
      for (const [t, vector] of actual.entries()) {
        const reference = expected[t] ?? {};
        expect(Object.keys(vector.features).sort(), `features present at bar ${t}`).toEqual(
          Object.keys(reference).sort(),
        );
        for (const [name, value] of Object.entries(vector.features)) {
          const error = Math.abs(value - (reference[name] ?? Number.NaN));
          if (!(error <= 1e-9)) throw new Error(`${name} at bar ${t}: ${value} vs reference ${reference[name]}`);
          worst = Math.max(worst, error);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(5_000 * 12);
      expect(worst).toBeLessThanOrEqual(1e-9);
    });
  }
});
