export * from "./decide";
export * from "./decision-engine";
export * from "./decision-event-sink";
export * from "./decision-id";
export * from "./regime-observation";
export * from "./specialist-scoring";
export * from "./trading-decision-payload";
