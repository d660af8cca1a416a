import {
  type Bar,
  type FeatureCache,
  FeaturePipeline,
  type Logger,
  TimeframeAggregator,
  writeFeatureVector,
} from "@tradeops/core";

/**
 * The 5-minute and 1-hour feature series, built live from the 1-minute stream: each completed
 * higher-timeframe bar updates its own pipeline and the vector goes to the feature cache under the
 * spec's key, so the features endpoint serves those timeframes from the cache too.
 */
export class HigherTimeframeFeatures {
  readonly #aggregator = new TimeframeAggregator();
  readonly #pipeline = new FeaturePipeline();

  constructor(private readonly deps: { cache: FeatureCache; logger: Logger }) {}

  onMinuteBar(bar: Bar): void {
    let completed: Bar[];
    try {
      completed = this.#aggregator.update(bar);
    } catch (error) {
      this.deps.logger.warn({ symbol: bar.symbol, time: bar.time, err: error }, "bar not aggregated");
      return;
    }
    for (const higher of completed) {
      const vector = this.#pipeline.update(higher);
      writeFeatureVector(this.deps.cache, vector).catch((error: unknown) =>
        this.deps.logger.warn(
          { err: error, symbol: vector.symbol, timeframe: vector.timeframe },
          "feature cache write failed",
        ),
      );
    }
  }
}
