export * from "./feature-errors";
export * from "./feature-service";
export * from "./history-stream";
export * from "./series-reader";
export * from "./timeframe-aggregator";
export * from "./warmup-window";
