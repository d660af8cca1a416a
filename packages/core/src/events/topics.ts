import { defineTopic } from "./define-topic";
import { modelUpdateEvent } from "./model-update";
import { tradingDecisionEvent } from "./trading-decision";

/** Every topic the platform uses, declared once. */

export const tradingDecisionsTopic = defineTopic({
  name: "trading.decisions.v1",
  description: "Every trading decision with its inputs, for forensics and audit. Keyed by symbol.",
  schema: tradingDecisionEvent,
  partitions: 12,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
});

export const modelUpdatesTopic = defineTopic({
  name: "models.updates.v1",
  description: "Outcome of every online model update, passed or rolled back. Keyed by model id.",
  schema: modelUpdateEvent,
  partitions: 3,
  retentionMs: 30 * 24 * 60 * 60 * 1000,
});

export const topics = [tradingDecisionsTopic, modelUpdatesTopic] as const;
