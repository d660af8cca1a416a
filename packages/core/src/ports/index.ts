export * from "./clock";
export * from "./event-bus";
export * from "./feature-cache";
export * from "./health";
export * from "./job-queue";
export * from "./logger";
export * from "./model-store";
export * from "./resources";
