import { barSchema } from "../market/bar";
import { decisionExplainedEvent } from "./decision-explained";
import { defineTopic } from "./define-topic";
import { modelUpdateEvent } from "./model-update";
import { portfolioSnapshotEvent } from "./portfolio-snapshot-event";
import { regimeEstimateEvent } from "./regime-estimate-event";
import { riskAlertEvent } from "./risk-alert-event";
import { riskControlsEvent } from "./risk-controls-event";
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

export const marketBarsTopic = defineTopic({
  name: "market.bars.v1",
  description:
    "Completed bars from the market data sources (simulator, replay, feed), keyed by symbol so each symbol's bars stay in order. Header `backfill: true` marks history replayed to warm consumers up.",
  schema: barSchema,
  partitions: 12,
  retentionMs: 24 * 60 * 60 * 1000,
});

export const marketRegimesTopic = defineTopic({
  name: "market.regimes.v1",
  description: "Every regime estimate (filtered bull/bear/sideways probabilities) per symbol and bar. Keyed by symbol.",
  schema: regimeEstimateEvent,
  partitions: 12,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
});

export const riskPortfolioTopic = defineTopic({
  name: "risk.portfolio.v1",
  description:
    "The portfolio's risk state (positions, cash, daily P&L, limit utilisation) after each decision. Keyed by portfolio id.",
  schema: portfolioSnapshotEvent,
  partitions: 3,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
});

export const decisionsExplainedTopic = defineTopic({
  name: "forensics.explained.v1",
  description: "A decision's explanation and audit entry are stored (forensics done). Keyed by decision id.",
  schema: decisionExplainedEvent,
  partitions: 3,
  retentionMs: 24 * 60 * 60 * 1000,
});

export const riskControlsTopic = defineTopic({
  name: "risk.controls.v1",
  description:
    "Every change to a portfolio's risk limits or trading state (kill switch), after it is stored; every process hosting a pre-trade gate applies it. Keyed by portfolio id.",
  schema: riskControlsEvent,
  partitions: 3,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
});

export const riskAlertsTopic = defineTopic({
  name: "risk.alerts.v1",
  description:
    "Risk alerts: a position above the alert threshold (warning), a limit breach the pre-trade gate did not block (critical). Keyed by portfolio id.",
  schema: riskAlertEvent,
  partitions: 3,
  retentionMs: 30 * 24 * 60 * 60 * 1000,
});

export const topics = [
  tradingDecisionsTopic,
  modelUpdatesTopic,
  marketBarsTopic,
  marketRegimesTopic,
  riskPortfolioTopic,
  decisionsExplainedTopic,
  riskControlsTopic,
  riskAlertsTopic,
] as const;
