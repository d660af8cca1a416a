export * from "./events/define-topic";
export * from "./events/model-update";
export * from "./events/topics";
export * from "./events/trading-decision";
export * from "./jobs/define-job";
export * from "./jobs/jobs";
export * from "./ports/index";
