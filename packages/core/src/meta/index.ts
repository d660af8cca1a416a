export * from "./meta-controller";
export * from "./meta-controller-monitor";
export * from "./specialist-performance";
export * from "./strategy-weights";
export * from "./weight-validation";
