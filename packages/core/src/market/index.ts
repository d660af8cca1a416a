export * from "./market-simulator";
export * from "./pacing";
export * from "./regime-process";
export * from "./universe";
