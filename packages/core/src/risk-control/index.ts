export * from "./live-risk-gate";
export * from "./market-risk-model";
export * from "./memory-portfolio-repository";
export * from "./memory-risk-control-repository";
export * from "./portfolio-journal";
export * from "./risk-alert-monitor";
export * from "./risk-controls";
export * from "./risk-state-event";
