export * from "../models/model-runtime-contract";
export * from "./clock-contract";
export * from "./event-bus-contract";
export * from "./feature-cache-contract";
export * from "./job-queue-contract";
export * from "./model-store-contract";
export * from "./wait-for";
