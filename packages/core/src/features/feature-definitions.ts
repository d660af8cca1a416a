import {
  type BarSource,
  barSource,
  chainedSource,
  fieldSource,
  mappedSource,
  type SourceDefinition,
  type SourceScope,
} from "./bar-source";
import { type CrossSectionalQuantity, crossSectionalQuantity } from "./cross-section";
import {
  defineFeature,
  FEATURE_PIPELINE_VERSION,
  type FeatureDefinition,
  type FeatureReader,
} from "./feature-definition";
import { Adx } from "./indicators/adx";
import { Atr } from "./indicators/atr";
import { Bollinger } from "./indicators/bollinger";
import { Ema } from "./indicators/ema";
import { Gap } from "./indicators/gap";
import { Macd } from "./indicators/macd";
import { OnBalanceVolume } from "./indicators/on-balance-volume";
import { type ReturnKind, Returns } from "./indicators/returns";
import { RollingShape } from "./indicators/rolling-shape";
import { RollingSlope } from "./indicators/rolling-slope";
import { Rsi } from "./indicators/rsi";
import { Sma } from "./indicators/sma";
import { StandardScore } from "./indicators/standard-score";
import { Stochastic } from "./indicators/stochastic";
import { Volatility } from "./indicators/volatility";
import { VolumeRatio } from "./indicators/volume-ratio";

export * from "./feature-definition";

const version = FEATURE_PIPELINE_VERSION;

/** A feature reading one source of its series. */
function reads<S extends BarSource>(
  source: SourceDefinition<S>,
  read: (source: S) => number | undefined,
): (scope: SourceScope) => FeatureReader {
  return (scope) => {
    const instance = scope.use(source);
    return () => read(instance);
  };
}

/** A feature reading a cross-sectional rank. */
function ranks(quantity: CrossSectionalQuantity): (scope: SourceScope) => FeatureReader {
  return (scope) => scope.rank(quantity);
}

/** One source per distinct computation, shared by every feature (and rank) that reads it. */
function memo<K, S extends BarSource>(make: (key: K) => SourceDefinition<S>): (key: K) => SourceDefinition<S> {
  const made = new Map<K, SourceDefinition<S>>();
  return (key) => {
    let source = made.get(key);
    if (source === undefined) {
      source = make(key);
      made.set(key, source);
    }
    return source;
  };
}

const closeReturn = memo((key: `${ReturnKind}:${number}`) => {
  const [kind, period] = key.split(":") as [ReturnKind, string];
  return fieldSource("close", () => new Returns(Number(period), kind));
});
const closeVolatility = memo((period: number) => fieldSource("close", () => new Volatility(period)));
const closeRsi = memo((period: number) => fieldSource("close", () => new Rsi(period)));
const closeEma = memo((period: number) => fieldSource("close", () => new Ema(period)));
const closeSma = memo((period: number) => fieldSource("close", () => new Sma(period)));
const closeMacd = fieldSource("close", () => new Macd(12, 26, 9));
const closeBollinger = fieldSource("close", () => new Bollinger(20, 2));
const barAtr14 = barSource(() => new Atr(14));
const barStochastic = barSource(() => new Stochastic(14, 3));
const barAdx14 = barSource(() => new Adx(14));
const barObv = barSource(() => new OnBalanceVolume());
const obvSlope20 = chainedSource(
  barObv,
  "obv",
  (s) => s.indicator.value(),
  () => new RollingSlope(20),
);
const obvScore20 = chainedSource(
  barObv,
  "obv",
  (s) => s.indicator.value(),
  () => new StandardScore(20, "window"),
);
const volumeRatio20 = fieldSource("volume", () => new VolumeRatio(20));
const volumeScore20 = fieldSource("volume", () => new StandardScore(20, "previous"));
const highLowRangeMean20 = mappedSource(
  "hl_range",
  (bar) => (bar.high - bar.low) / bar.close,
  () => new Sma(20),
);
const barGap = barSource(() => new Gap());
const logReturnShape = memo((period: number) =>
  chainedSource(
    closeReturn("log:1"),
    "log_return_1",
    (s) => s.indicator.value(),
    () => new RollingShape(period),
  ),
);

const features: FeatureDefinition[] = [
  defineFeature({
    name: "price",
    description: "Close of the bar.",
    inputs: ["close"],
    warmup: 1,
    window: 1,
    version,
    bind: () => (bar) => bar.close,
  }),
];

for (const k of [1, 5, 15, 20, 60]) {
  features.push(
    defineFeature({
      name: `returns_${k}`,
      description: `Simple return over ${k} bar${k === 1 ? "" : "s"}: close_t / close_{t-${k}} - 1.`,
      inputs: ["close"],
      warmup: k + 1,
      window: k + 1,
      version,
      bind: reads(closeReturn(`simple:${k}`), (s) => s.indicator.value()),
    }),
  );
}
for (const k of [1, 5, 15, 20, 60]) {
  features.push(
    defineFeature({
      name: `log_return_${k}`,
      description: `Log return over ${k} bar${k === 1 ? "" : "s"}: ln(close_t / close_{t-${k}}).`,
      inputs: ["close"],
      warmup: k + 1,
      window: k + 1,
      version,
      bind: reads(closeReturn(`log:${k}`), (s) => s.indicator.value()),
    }),
  );
}
for (const k of [5, 20, 60]) {
  features.push(
    defineFeature({
      name: `volatility_${k}`,
      description: `Realised volatility: sample standard deviation (n-1) of the last ${k} one-bar log returns; per bar, not annualised.`,
      inputs: ["close"],
      warmup: k + 1,
      window: k + 1,
      version,
      bind: reads(closeVolatility(k), (s) => s.indicator.value()),
    }),
  );
}
for (const k of [7, 14]) {
  features.push(
    defineFeature({
      name: `rsi_${k}`,
      description: `Wilder's RSI over ${k} bars (0..100): average gain and loss smoothed with alpha = 1/${k}, seeded by their simple means over the first ${k} changes; 50 when neither moved.`,
      inputs: ["close"],
      warmup: k + 1,
      window: "recursive",
      version,
      bind: reads(closeRsi(k), (s) => s.indicator.value()),
    }),
  );
}
for (const k of [12, 26, 50]) {
  features.push(
    defineFeature({
      name: `ema_${k}`,
      description: `EMA of the close, alpha = 2/${k + 1}, seeded by the SMA of the first ${k} closes.`,
      inputs: ["close"],
      warmup: k,
      window: "recursive",
      version,
      bind: reads(closeEma(k), (s) => s.indicator.value()),
    }),
  );
}
for (const k of [10, 20, 50]) {
  features.push(
    defineFeature({
      name: `sma_${k}`,
      description: `Simple mean of the last ${k} closes.`,
      inputs: ["close"],
      warmup: k,
      window: k,
      version,
      bind: reads(closeSma(k), (s) => s.indicator.value()),
    }),
  );
}
/** (close − MA)/MA: how far the price is above (+) or below (−) the average, as a fraction of it. */
function distance(average: number | undefined, close: number): number | undefined {
  return average === undefined ? undefined : (close - average) / average;
}
for (const k of [12, 26, 50]) {
  features.push(
    defineFeature({
      name: `distance_ema_${k}`,
      description: `Price distance to ema_${k}: (close - ema_${k}) / ema_${k}.`,
      inputs: ["close"],
      warmup: k,
      window: "recursive",
      version,
      bind: (scope) => {
        const ema = scope.use(closeEma(k));
        return (bar) => distance(ema.indicator.value(), bar.close);
      },
    }),
  );
}
for (const k of [10, 20, 50]) {
  features.push(
    defineFeature({
      name: `distance_sma_${k}`,
      description: `Price distance to sma_${k}: (close - sma_${k}) / sma_${k}.`,
      inputs: ["close"],
      warmup: k,
      window: k,
      version,
      bind: (scope) => {
        const sma = scope.use(closeSma(k));
        return (bar) => distance(sma.indicator.value(), bar.close);
      },
    }),
  );
}

features.push(
  defineFeature({
    name: "macd",
    description: "MACD line: EMA(12) - EMA(26) of the close.",
    inputs: ["close"],
    warmup: 26,
    window: "recursive",
    version,
    bind: reads(closeMacd, (s) => s.indicator.macdLine()),
  }),
  defineFeature({
    name: "macd_signal",
    description: "EMA(9) of the MACD line, seeded by the SMA of its first 9 values.",
    inputs: ["close"],
    warmup: 34,
    window: "recursive",
    version,
    bind: reads(closeMacd, (s) => s.indicator.value()?.signal),
  }),
  defineFeature({
    name: "macd_histogram",
    description: "MACD line minus its signal.",
    inputs: ["close"],
    warmup: 34,
    window: "recursive",
    version,
    bind: reads(closeMacd, (s) => s.indicator.value()?.histogram),
  }),
  defineFeature({
    name: "bollinger_percent_b",
    description:
      "Bollinger(20, 2) %B: (close - lower) / (upper - lower), bands = SMA(20) +/- 2 population standard deviations of the last 20 closes; absent while those 20 closes are all equal.",
    inputs: ["close"],
    warmup: 20,
    window: 20,
    version,
    bind: reads(closeBollinger, (s) => s.indicator.percentB()),
  }),
  defineFeature({
    name: "bollinger_bandwidth",
    description: "Bollinger(20, 2) bandwidth: (upper - lower) / middle, a fraction (4 population sigma / SMA(20)).",
    inputs: ["close"],
    warmup: 20,
    window: 20,
    version,
    bind: reads(closeBollinger, (s) => s.indicator.bandwidth()),
  }),
  defineFeature({
    name: "atr_14",
    description:
      "Wilder's ATR(14): true range max(high - low, |high - prev close|, |low - prev close|) (the first bar's is high - low), smoothed with alpha = 1/14, seeded by the mean of the first 14.",
    inputs: ["high", "low", "close"],
    warmup: 14,
    window: "recursive",
    version,
    bind: reads(barAtr14, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "atr_ratio_14",
    description: "atr_14 / close: the average true range as a fraction of the price.",
    inputs: ["high", "low", "close"],
    warmup: 14,
    window: "recursive",
    version,
    bind: (scope) => {
      const atr = scope.use(barAtr14);
      return (bar) => {
        const value = atr.indicator.value();
        return value === undefined ? undefined : value / bar.close;
      };
    },
  }),
  defineFeature({
    name: "stochastic_k_14",
    description:
      "Fast stochastic %K(14): 100 * (close - lowest low) / (highest high - lowest low) over the last 14 bars; 50 when that range is 0.",
    inputs: ["high", "low", "close"],
    warmup: 14,
    window: 14,
    version,
    bind: reads(barStochastic, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "stochastic_d_3",
    description: "Stochastic %D(3): simple mean of the last 3 values of stochastic_k_14.",
    inputs: ["high", "low", "close"],
    warmup: 16,
    window: 16,
    version,
    bind: reads(barStochastic, (s) => s.indicator.percentD()),
  }),
  defineFeature({
    name: "adx_14",
    description:
      "Wilder's ADX(14): DX = 100 * |+DI - -DI| / (+DI + -DI) (0 when both are 0), smoothed with alpha = 1/14 and seeded by the mean of the first 14 DX.",
    inputs: ["high", "low", "close"],
    warmup: 28,
    window: "recursive",
    version,
    bind: reads(barAdx14, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "plus_di_14",
    description:
      "Wilder's +DI(14): 100 * smoothed +DM / smoothed TR from the second bar on (alpha = 1/14, seeded by the mean of the first 14); +DM = high - prev high when that exceeds prev low - low and 0, else 0.",
    inputs: ["high", "low", "close"],
    warmup: 15,
    window: "recursive",
    version,
    bind: reads(barAdx14, (s) => s.indicator.plusDi()),
  }),
  defineFeature({
    name: "minus_di_14",
    description:
      "Wilder's -DI(14): 100 * smoothed -DM / smoothed TR, as plus_di_14; -DM = prev low - low when that exceeds high - prev high and 0, else 0.",
    inputs: ["high", "low", "close"],
    warmup: 15,
    window: "recursive",
    version,
    bind: reads(barAdx14, (s) => s.indicator.minusDi()),
  }),
  defineFeature({
    name: "obv",
    description:
      "On-balance volume: running sum from the series' second bar of +volume (close up), -volume (close down) or 0 (unchanged). Its level depends on where the series began.",
    inputs: ["close", "volume"],
    warmup: 2,
    window: "cumulative",
    version,
    bind: reads(barObv, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "obv_slope_20",
    description: "Least-squares slope of the last 20 OBV values against bar index: volume per bar.",
    inputs: ["close", "volume"],
    warmup: 21,
    window: 21,
    version,
    bind: reads(obvSlope20, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "obv_zscore_20",
    description:
      "(obv - mean) / sample standard deviation of the last 20 OBV values, the current one included; absent while they are all equal.",
    inputs: ["close", "volume"],
    warmup: 21,
    window: 21,
    version,
    bind: reads(obvScore20, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "volume_ratio",
    description:
      "Volume over the mean volume of the previous 20 bars (current bar excluded); absent while those 20 bars traded nothing.",
    inputs: ["volume"],
    warmup: 21,
    window: 21,
    version,
    bind: reads(volumeRatio20, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "volume_zscore_20",
    description:
      "(volume - mean) / sample standard deviation of the previous 20 bars' volumes (current bar excluded); absent while those 20 volumes are all equal.",
    inputs: ["volume"],
    warmup: 21,
    window: 21,
    version,
    bind: reads(volumeScore20, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "hl_range",
    description: "High-low range of the bar as a fraction of its close: (high - low) / close.",
    inputs: ["high", "low", "close"],
    warmup: 1,
    window: 1,
    version,
    bind: () => (bar) => (bar.high - bar.low) / bar.close,
  }),
  defineFeature({
    name: "hl_range_mean_20",
    description: "Simple mean of hl_range over the last 20 bars.",
    inputs: ["high", "low", "close"],
    warmup: 20,
    window: 20,
    version,
    bind: reads(highLowRangeMean20, (s) => s.indicator.value()),
  }),
  defineFeature({
    name: "gap",
    description: "Opening gap: open_t / close_{t-1} - 1.",
    inputs: ["open", "close"],
    warmup: 2,
    window: 2,
    version,
    bind: reads(barGap, (s) => s.indicator.value()),
  }),
);
for (const k of [20, 60]) {
  features.push(
    defineFeature({
      name: `skew_${k}`,
      description: `Sample skewness (adjusted Fisher-Pearson G1, as Excel SKEW and pandas) of the last ${k} one-bar log returns; absent while they are all equal.`,
      inputs: ["close"],
      warmup: k + 1,
      window: k + 1,
      version,
      bind: reads(logReturnShape(k), (s) => s.indicator.value()?.skewness),
    }),
  );
}
for (const k of [20, 60]) {
  features.push(
    defineFeature({
      name: `kurtosis_${k}`,
      description: `Sample excess kurtosis (G2, as Excel KURT and pandas) of the last ${k} one-bar log returns; absent while they are all equal.`,
      inputs: ["close"],
      warmup: k + 1,
      window: k + 1,
      version,
      bind: reads(logReturnShape(k), (s) => s.indicator.value()?.excessKurtosis),
    }),
  );
}

/** The cross-sectional ranks: of which feature, read from the same source as that feature. */
const rankedFeatures: readonly {
  name: string;
  warmup: number;
  window: number | "recursive";
  bind: (scope: SourceScope) => FeatureReader;
}[] = [
  { name: "returns_5", warmup: 6, window: 6, bind: reads(closeReturn("simple:5"), (s) => s.indicator.value()) },
  { name: "volatility_20", warmup: 21, window: 21, bind: reads(closeVolatility(20), (s) => s.indicator.value()) },
  { name: "rsi_14", warmup: 15, window: "recursive", bind: reads(closeRsi(14), (s) => s.indicator.value()) },
];
for (const ranked of rankedFeatures) {
  features.push(
    defineFeature({
      name: `rank_${ranked.name}`,
      description: `Percentile rank (0..1) of ${ranked.name} among the other symbols of the timeframe: the fraction of their latest ${ranked.name} values from bars that ended before this one that are below this symbol's, ties counting half; absent while no other symbol has one.`,
      inputs: ["close"],
      warmup: ranked.warmup,
      window: ranked.window,
      version,
      crossSectional: true,
      bind: ranks(crossSectionalQuantity(ranked.name, ranked.bind)),
    }),
  );
}

/**
 * The registry: every feature the pipeline computes, in the order vectors list them. Adding a
 * feature here puts it in the pipeline, the cache payload, `docs/features.md` and the generic
 * warm-up and lookahead tests; the reference test then fails until it gets an independent reference.
 */
export const featureDefinitions: readonly FeatureDefinition[] = Object.freeze(features);
