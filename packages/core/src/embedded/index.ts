export * from "./in-process-event-bus";
export * from "./local-job-queue";
export * from "./manual-clock";
export * from "./memory-event-spill";
export * from "./memory-feature-cache";
export * from "./memory-model-store";
