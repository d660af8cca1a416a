import { regimeObservation } from "../decision/regime-observation";
import { FeaturePipeline } from "../features/feature-pipeline";
import { barEndTime } from "../market/bar";
import { forwardReturnLabels, type SignalClass } from "../models/labels";
import type { FeatureRow } from "../models/specialist";
import { RegimeDetector, type RegimeModel, type RegimeObservation } from "../regime/regime-detector";
import type { RegimeProbabilities } from "../regime/regime-labels";
import type { BarHistory } from "./simulated-history";

/**
 * The pipeline's features over a history, per symbol and bar, computed by the same incremental
 * pipeline the live path runs. Stored as flat arrays (NaN where a value is still warming up)
 * because a first-start history holds hundreds of thousands of bars.
 */
export interface HistoryFeatures {
  /** The model inputs kept, in column order. */
  readonly featureNames: readonly string[];
  /** values[s]: bars × featureNames.length, row-major. */
  readonly values: readonly Float64Array[];
  /** observations[s]: bars × 2, the regime observation of each bar (see `regimeObservation`). */
  readonly observations: readonly Float64Array[];
}

/** Checks the history is aligned: same bar count and bar times for every symbol. */
function assertAligned(history: BarHistory): number {
  const first = history.bars[0];
  if (first === undefined || history.bars.length !== history.symbols.length) {
    throw new RangeError(`history has ${history.bars.length} series for ${history.symbols.length} symbols`);
  }
  for (const [s, series] of history.bars.entries()) {
    if (series.length !== first.length)
      throw new RangeError(`symbol ${s} has ${series.length} bars, not ${first.length}`);
    for (const [t, bar] of series.entries()) {
      if (bar.time !== first[t]?.time || bar.symbol !== history.symbols[s] || bar.timeframe !== history.timeframe) {
        throw new RangeError(`bar ${t} of symbol ${s} does not line up with the history`);
      }
    }
  }
  return first.length;
}

export function computeHistoryFeatures(history: BarHistory, featureNames: readonly string[]): HistoryFeatures {
  const bars = assertAligned(history);
  const width = featureNames.length;
  const pipeline = new FeaturePipeline();
  const values = history.bars.map(() => new Float64Array(bars * width).fill(Number.NaN));
  const observations = history.bars.map(() => new Float64Array(bars * 2).fill(Number.NaN));
  for (const [s, series] of history.bars.entries()) {
    const columns = values[s] as Float64Array;
    const observed = observations[s] as Float64Array;
    for (const [t, bar] of series.entries()) {
      const vector = pipeline.update(bar);
      for (const [i, name] of featureNames.entries()) {
        const value = vector.features[name];
        if (value !== undefined) columns[t * width + i] = value;
      }
      const observation = regimeObservation(vector);
      if (observation !== undefined) observed.set(observation, t * 2);
    }
  }
  return { featureNames: [...featureNames], values, observations };
}

/**
 * Every symbol's regime observations from its first warm bar on: one sequence per symbol, never
 * joined, so the fit learns no transition between one symbol's last bar and the next one's first.
 */
export function regimeSequences(features: HistoryFeatures): RegimeObservation[][] {
  return features.observations.map((observed) => {
    const sequence: RegimeObservation[] = [];
    for (let t = 0; t < observed.length / 2; t++) {
      const logReturn = observed[t * 2] as number;
      if (Number.isNaN(logReturn)) {
        if (sequence.length > 0) throw new RangeError(`regime observation ${t} is missing after warm-up`);
        continue;
      }
      sequence.push([logReturn, observed[t * 2 + 1] as number]);
    }
    return sequence;
  });
}

export interface TrainingSetOptions {
  /** Bars ahead the label looks (see `forwardReturnLabels`). */
  readonly horizon: number;
  /** θ of the BUY / HOLD / SELL labels. */
  readonly threshold: number;
}

/**
 * The rows the specialists learn from, TIME-MAJOR: every symbol's row of one bar, then the next
 * bar's. Only bars where every model feature and the regime estimate exist are kept, and since
 * the history is aligned every kept bar has exactly `rowsPerBar` rows, so `h` bars of label
 * horizon span exactly `h · rowsPerBar` rows (what the chronological split's purge needs).
 *
 * No lookahead: row (s, t) holds features of bars ≤ t, the FILTERED regime probabilities after the
 * observation of bar t (forward filter only, from the chain's stationary distribution, exactly as
 * `RegimeDetector` runs live), and a label computed from closes t and t + horizon.
 */
export interface TrainingSet {
  readonly featureNames: readonly string[];
  readonly rows: FeatureRow[];
  readonly labels: (SignalClass | null)[];
  readonly regimeProbabilities: RegimeProbabilities[];
  /** Per row: index of its symbol in the history. */
  readonly symbolIndex: Uint32Array;
  /** Per row: index of its bar in the history. */
  readonly barIndex: Uint32Array;
  readonly rowsPerBar: number;
  /** Bars kept (rows / rowsPerBar). */
  readonly bars: number;
}

export function buildTrainingSet(
  history: BarHistory,
  features: HistoryFeatures,
  regimeModel: RegimeModel,
  options: TrainingSetOptions,
): TrainingSet {
  const barCount = assertAligned(history);
  const symbols = history.symbols.length;
  const { featureNames } = features;
  const width = featureNames.length;
  if (features.values.length !== symbols || features.values.some((v) => v.length !== barCount * width)) {
    throw new RangeError("features were not computed from this history");
  }
  const detector = RegimeDetector.fromModel(regimeModel);
  const labels = history.bars.map((series) =>
    forwardReturnLabels(
      series.map((bar) => bar.close),
      options,
    ),
  );

  const rows: FeatureRow[] = [];
  const rowLabels: (SignalClass | null)[] = [];
  const probabilities: RegimeProbabilities[] = [];
  const symbolIndex: number[] = [];
  const barIndex: number[] = [];
  let bars = 0;
  for (let t = 0; t < barCount; t++) {
    let ready = 0;
    const slice: { s: number; row: FeatureRow; regime: RegimeProbabilities }[] = [];
    for (let s = 0; s < symbols; s++) {
      const observed = features.observations[s] as Float64Array;
      const logReturn = observed[t * 2] as number;
      if (Number.isNaN(logReturn)) continue;
      const bar = history.bars[s]?.[t];
      if (bar === undefined) throw new RangeError(`no bar ${t} for symbol ${s}`);
      // Every observation goes through the filter, warm model features or not, as it does live.
      const estimate = detector.update(history.symbols[s] as string, barEndTime(bar), [
        logReturn,
        observed[t * 2 + 1] as number,
      ]);
      const columns = features.values[s] as Float64Array;
      const row: Record<string, number> = {};
      let complete = true;
      for (const [i, name] of featureNames.entries()) {
        const value = columns[t * width + i] as number;
        if (Number.isNaN(value)) {
          complete = false;
          break;
        }
        row[name] = value;
      }
      if (!complete) continue;
      ready++;
      slice.push({ s, row, regime: { bull: estimate.bull, bear: estimate.bear, sideways: estimate.sideways } });
    }
    if (ready === 0) continue;
    if (ready !== symbols) throw new RangeError(`bar ${t}: ${ready} of ${symbols} symbols are warm`);
    bars++;
    for (const { s, row, regime } of slice) {
      rows.push(row);
      rowLabels.push(labels[s]?.[t] ?? null);
      probabilities.push(regime);
      symbolIndex.push(s);
      barIndex.push(t);
    }
  }
  return {
    featureNames: [...featureNames],
    rows,
    labels: rowLabels,
    regimeProbabilities: probabilities,
    symbolIndex: Uint32Array.from(symbolIndex),
    barIndex: Uint32Array.from(barIndex),
    rowsPerBar: symbols,
    bars,
  };
}
