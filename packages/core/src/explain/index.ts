export * from "./model-score-function";
export * from "./shapley";
