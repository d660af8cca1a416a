export * from "./portfolio";
export * from "./risk-check";
export * from "./risk-state";
export * from "./simulated-execution";
