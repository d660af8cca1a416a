import { beforeAll, describe, expect, it } from "vitest";
import { featureDefinitions } from "../features/feature-definitions";
import { batchCompute } from "../features/feature-pipeline";
import type { Bar } from "../market/bar";
import { Prng } from "../random/prng";
import { RegimeDetector, type RegimeModel } from "../regime/regime-detector";
import { logSpaceForwardBackward } from "../regime/regime-test-support";
import { defaultModelFeatureNames } from "./bootstrap-models";
import { type BarHistory, simulateHistory } from "./simulated-history";
import { buildTrainingSet, computeHistoryFeatures, regimeSequences, type TrainingSet } from "./training-set";

const names = defaultModelFeatureNames;
const horizon = 5;
const threshold = 0.001;
const now = Date.UTC(2025, 0, 6, 14, 30);

let history: BarHistory;
let regimeModel: RegimeModel;
let set: TrainingSet;

beforeAll(() => {
  history = simulateHistory({ seed: 11, symbols: 3, bars: 400, timeframe: "1min", now });
  const features = computeHistoryFeatures(history, names);
  const random = Prng.fromSeed(1);
  regimeModel = RegimeDetector.fit(regimeSequences(features), {
    random: () => random.next(),
    restarts: 0,
    maxIterations: 30,
  }).toJSON();
  set = buildTrainingSet(history, features, regimeModel, { horizon, threshold });
});

function closesOf(s: number): number[] {
  return (history.bars[s] ?? []).map((bar) => bar.close);
}

describe("buildTrainingSet", () => {
  it("is time-major: every symbol's row of a bar, from the first bar where every input is warm", () => {
    // The slowest input decides: macd_signal needs 34 bars, volatility_20 (the regime input) 21.
    const firstWarm =
      Math.max(21, ...featureDefinitions.filter((d) => names.includes(d.name)).map((d) => d.warmup)) - 1;
    expect(firstWarm).toBe(33);
    expect(set.rowsPerBar).toBe(3);
    expect(set.bars).toBe(400 - firstWarm);
    expect(set.rows).toHaveLength(3 * set.bars);
    for (let k = 0; k < set.rows.length; k++) {
      expect(set.symbolIndex[k]).toBe(k % 3);
      expect(set.barIndex[k]).toBe(firstWarm + Math.floor(k / 3));
    }
  });

  it("holds exactly the live pipeline's feature values", () => {
    const vectors = history.bars.map((series) => batchCompute(series));
    for (const [k, row] of set.rows.entries()) {
      const vector = vectors[set.symbolIndex[k] as number]?.[set.barIndex[k] as number];
      expect(Object.keys(row)).toEqual([...names]);
      for (const name of names) expect(row[name]).toBe(vector?.features[name]);
    }
  });

  it("labels row t from close[t + h] / close[t] − 1, null where the history ends first", () => {
    let nulls = 0;
    for (const [k, label] of set.labels.entries()) {
      const closes = closesOf(set.symbolIndex[k] as number);
      const t = set.barIndex[k] as number;
      const future = closes[t + horizon];
      if (future === undefined) {
        expect(label).toBeNull();
        nulls++;
        continue;
      }
      const forward = future / (closes[t] as number) - 1;
      expect(label).toBe(forward > threshold ? "BUY" : forward < -threshold ? "SELL" : "HOLD");
    }
    expect(nulls).toBe(3 * horizon);
  });

  it("carries the textbook forward filter's probabilities, started from the stationary distribution", () => {
    const { params, labels } = regimeModel;
    // π = π·P by power iteration: an independent route to the chain's long-run distribution.
    let pi = [1 / 3, 1 / 3, 1 / 3];
    for (let n = 0; n < 20_000; n++) {
      pi = [0, 1, 2].map((j) => pi.reduce((sum, p, i) => sum + p * (params.transition[i]?.[j] ?? 0), 0));
    }
    const features = computeHistoryFeatures(history, names);
    const sequences = regimeSequences(features);
    for (let s = 0; s < 3; s++) {
      const sequence = sequences[s] ?? [];
      // The first observation is at bar 20 (volatility_20's warm-up).
      expect(sequence).toHaveLength(380);
      const { filtered } = logSpaceForwardBackward({ ...params, initial: pi }, sequence);
      for (const [k, probabilities] of set.regimeProbabilities.entries()) {
        if (set.symbolIndex[k] !== s) continue;
        const expected = filtered[(set.barIndex[k] as number) - 20] ?? [];
        expect(probabilities.bull).toBeCloseTo(expected[labels.bull] as number, 10);
        expect(probabilities.bear).toBeCloseTo(expected[labels.bear] as number, 10);
        expect(probabilities.sideways).toBeCloseTo(expected[labels.sideways] as number, 10);
      }
    }
  });

  it("does not look ahead: changing the bars after T changes no row at or before T", () => {
    const cut = 200;
    const altered: BarHistory = {
      ...history,
      bars: history.bars.map((series) =>
        series.map((bar, t): Bar => {
          if (t <= cut) return bar;
          const f = 1 + 0.002 * Math.sin(t);
          return {
            ...bar,
            open: bar.open * f,
            high: bar.high * f * 1.001,
            low: bar.low * f,
            close: bar.close * f,
            volume: bar.volume * 3,
          };
        }),
      ),
    };
    const other = buildTrainingSet(altered, computeHistoryFeatures(altered, names), regimeModel, {
      horizon,
      threshold,
    });
    expect(other.barIndex).toEqual(set.barIndex);
    let labelsAfterDiffer = false;
    let rowsAfterDiffer = false;
    for (let k = 0; k < set.rows.length; k++) {
      const t = set.barIndex[k] as number;
      if (t <= cut) {
        expect(other.rows[k]).toEqual(set.rows[k]);
        expect(other.regimeProbabilities[k]).toEqual(set.regimeProbabilities[k]);
      } else if (JSON.stringify(other.rows[k]) !== JSON.stringify(set.rows[k])) {
        rowsAfterDiffer = true;
      }
      if (t + horizon <= cut) expect(other.labels[k]).toBe(set.labels[k]);
      else if (t <= cut && other.labels[k] !== set.labels[k]) labelsAfterDiffer = true;
    }
    // The labels of the last h bars before the cut do read the altered closes: strictly later ones.
    expect(labelsAfterDiffer).toBe(true);
    expect(rowsAfterDiffer).toBe(true);
  });

  it("refuses a history whose symbols do not line up", () => {
    const shifted: BarHistory = {
      ...history,
      bars: [history.bars[0] ?? [], (history.bars[1] ?? []).slice(1), history.bars[2] ?? []],
    };
    expect(() => computeHistoryFeatures(shifted, names)).toThrow(RangeError);
  });
});
