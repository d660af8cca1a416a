import { z } from "zod";
import { errorResponse } from "../rest/v1/common.schemas";
import { featuresParams, featuresQuery, featuresResponse } from "../rest/v1/features.schemas";
import { forensicsParams, forensicsResponse } from "../rest/v1/forensics.schemas";
import { historyLineSchema, historyParams, historyQuery } from "../rest/v1/history.schemas";
import { predictRequest, predictResponse } from "../rest/v1/predict.schemas";
import {
  alertsQuery,
  alertsResponse,
  hrpResponse,
  reservationCancelResponse,
  reservationParams,
  reviseLimitsRequest,
  riskCheckRequest,
  riskCheckResponse,
  riskControlsResponse,
  riskLimitSetResponse,
  riskStateResponse,
  tradingStateRequest,
  tradingStateResponse,
} from "../rest/v1/risk.schemas";
import type { OperationSpec } from "./openapi-document";

const readinessSchema = z.object({
  ready: z.boolean(),
  checkedAt: z.string(),
  checks: z.array(
    z.object({
      name: z.string(),
      adapter: z.string(),
      ok: z.boolean(),
      latencyMs: z.number(),
      error: z.string().optional(),
    }),
  ),
});

/** Every public HTTP operation, documented from its schemas. */
export const operations: readonly OperationSpec[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process serves HTTP. Touches no dependency.",
    tags: ["operations"],
    responses: {
      200: { description: "alive", schema: z.object({ status: z.literal("ok"), uptimeSeconds: z.number() }) },
    },
  },
  {
    method: "get",
    path: "/readyz",
    summary: "Readiness: database (and its migrations), bus, cache, queue and model store all answer.",
    tags: ["operations"],
    responses: {
      200: { description: "ready", schema: readinessSchema },
      503: { description: "a dependency does not answer", schema: readinessSchema },
    },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document.",
    tags: ["operations"],
    responses: { 200: { description: "OpenAPI 3.1 document" } },
  },
  {
    method: "get",
    path: "/api/v1/features/:symbol/:timeframe",
    summary: "Feature vector of a symbol: from the feature cache, or computed when the cache misses.",
    tags: ["features"],
    request: { params: featuresParams, query: featuresQuery },
    responses: {
      200: { description: "the feature vector", schema: featuresResponse },
      404: { description: "symbol not supported, or no data for it (at that time or version)", schema: errorResponse },
      422: { description: "invalid timeframe or timestamp", schema: errorResponse },
      503: { description: "neither the cache nor the pipeline can serve", schema: errorResponse },
    },
  },
  {
    method: "get",
    path: "/api/v1/history/:symbol/:timeframe",
    summary:
      "Bars opening in [start, end) and the features known at each bar's end, streamed as NDJSON " +
      "(application/x-ndjson: one JSON object per line, oldest first; header x-feature-pipeline-version). " +
      "Computed incrementally from the stored bars by the one feature pipeline (5min and 1hour aggregated " +
      "from 1min), in pages, so any range streams in constant memory. Errors with a status are answered " +
      'before the stream starts; a failure mid-stream ends it with a line {"error": {code, message}}.',
    tags: ["features"],
    request: { params: historyParams, query: historyQuery },
    responses: {
      200: {
        description: "one line per bar (or a final error line)",
        schema: historyLineSchema,
        contentType: "application/x-ndjson",
      },
      404: { description: "symbol not supported, or no complete bar in the range", schema: errorResponse },
      422: {
        description: "invalid timeframe, or start/end not ISO 8601 date-times with start < end",
        schema: errorResponse,
      },
      503: { description: "the stored bars cannot be read", schema: errorResponse },
    },
  },
  {
    method: "post",
    path: "/api/v1/predict",
    summary: "Trading signal from the regime-weighted specialists, risk-checked, optionally explained.",
    tags: ["inference"],
    request: { body: predictRequest },
    responses: {
      200: { description: "the decision", schema: predictResponse },
      400: { description: "invalid symbol or parameters", schema: errorResponse },
      403: {
        description: "risk check failed: trade not permitted (details carry the decision)",
        schema: errorResponse,
      },
      503: { description: "model serving unavailable or the symbol still warming up", schema: errorResponse },
    },
  },
  {
    method: "post",
    path: "/api/v1/risk/check",
    summary:
      "Pre-trade check of a proposed trade against the portfolio's limits and trading state. Against the " +
      "live portfolio an approval reserves its exposure until it fills, is cancelled or expires " +
      "(reservation_id, reservation_expires_at); with portfolio_state, that portfolio is checked and nothing " +
      "is reserved. Each API key is its own client for the throttle and duplicate detection.",
    tags: ["risk"],
    request: { body: riskCheckRequest },
    responses: {
      200: {
        description:
          "approved (with the risk assessment), or rejected with reasons (see the `code` enum) and the largest allowed quantity",
        schema: riskCheckResponse,
      },
      400: { description: "invalid trade parameters or portfolio_state", schema: errorResponse },
      401: { description: "an API key was sent and is invalid, expired or revoked", schema: errorResponse },
      503: {
        description:
          "risk manager unavailable: RISK_NOT_READY (controls not loaded), PORTFOLIO_NOT_HOSTED (this process " +
          "is not the live portfolio's single writer: pass portfolio_state or ask that process), RISK_ESTIMATE_FAILED",
        schema: errorResponse,
      },
    },
  },
  {
    method: "post",
    path: "/api/v1/risk/reservations/:id/cancel",
    summary:
      "Releases an approval that will not be sent to the market, so its exposure stops counting against the limits.",
    tags: ["risk"],
    roles: ["trader", "risk_officer", "admin"],
    request: { params: reservationParams },
    responses: {
      200: { description: "cancelled", schema: reservationCancelResponse },
      401: { description: "no API key, or an invalid one", schema: errorResponse },
      403: { description: "the key's role may not cancel", schema: errorResponse },
      404: { description: "no open reservation with that id (filled, cancelled or expired)", schema: errorResponse },
      503: { description: "this process does not host the live portfolio", schema: errorResponse },
    },
  },
  {
    method: "get",
    path: "/api/v1/risk/state",
    summary:
      "The portfolio's latest risk state (the spec's Risk State Schema: portfolio, risk_metrics, " +
      "limit_utilization, last_updated) with the trading state and limit version in force; published every 10 s.",
    tags: ["risk"],
    responses: {
      200: { description: "the risk state", schema: riskStateResponse },
      401: { description: "an API key was sent and is invalid", schema: errorResponse },
      503: { description: "RISK_STATE_UNAVAILABLE: no risk state published yet", schema: errorResponse },
    },
  },
  {
    method: "get",
    path: "/api/v1/risk/hrp",
    summary: "Hierarchical-risk-parity target weights beside the current weights of the invested value.",
    tags: ["risk"],
    responses: {
      200: { description: "target and current weights per symbol", schema: hrpResponse },
      401: { description: "an API key was sent and is invalid", schema: errorResponse },
      503: { description: "HRP_UNAVAILABLE: too little return history yet", schema: errorResponse },
    },
  },
  {
    method: "get",
    path: "/api/v1/risk/alerts",
    summary: "Recent risk alerts (position above the alert threshold; a limit breach not blocked), newest first.",
    tags: ["risk"],
    request: { query: alertsQuery },
    responses: {
      200: { description: "the alerts", schema: alertsResponse },
      400: { description: "invalid limit", schema: errorResponse },
      401: { description: "an API key was sent and is invalid", schema: errorResponse },
    },
  },
  {
    method: "get",
    path: "/api/v1/risk/controls",
    summary:
      "The limits in force (with their version), the trading state, and the audit trail of changes (50, newest first).",
    tags: ["risk"],
    responses: {
      200: { description: "the risk controls", schema: riskControlsResponse },
      401: { description: "an API key was sent and is invalid", schema: errorResponse },
      503: { description: "RISK_NOT_READY: the controls are not loaded yet", schema: errorResponse },
    },
  },
  {
    method: "put",
    path: "/api/v1/risk/limits",
    summary:
      "Revises some limits: a new version, audited with who, when, old and new values and the reason, " +
      "effective in every process. A patch that changes nothing returns the set in force.",
    tags: ["risk"],
    roles: ["risk_officer", "admin"],
    request: { body: reviseLimitsRequest },
    responses: {
      200: { description: "the limit set now in force", schema: riskLimitSetResponse },
      400: { description: "invalid limits or reason (e.g. a warning above its limit)", schema: errorResponse },
      401: { description: "no API key, or an invalid one", schema: errorResponse },
      403: { description: "the key's role may not change limits", schema: errorResponse },
      409: { description: "a concurrent revision won; reload and retry", schema: errorResponse },
      503: { description: "RISK_NOT_READY: the controls are not loaded yet", schema: errorResponse },
    },
  },
  {
    method: "put",
    path: "/api/v1/risk/trading-state",
    summary:
      "Sets the trading state (the kill switch): ACTIVE, REDUCING (only reducing trades pass) or HALTED " +
      "(nothing passes), with a reason; audited, effective in every process within a second. Idempotent.",
    tags: ["risk"],
    roles: ["risk_officer", "admin"],
    request: { body: tradingStateRequest },
    responses: {
      200: { description: "the trading state now in force", schema: tradingStateResponse },
      400: { description: "invalid state or reason", schema: errorResponse },
      401: { description: "no API key, or an invalid one", schema: errorResponse },
      403: { description: "the key's role may not change the trading state", schema: errorResponse },
      409: { description: "a concurrent change won; reload and retry", schema: errorResponse },
      503: { description: "RISK_NOT_READY: the controls are not loaded yet", schema: errorResponse },
    },
  },
  {
    method: "get",
    path: "/api/v1/forensics/:decision_id",
    summary: "A past decision with its SHAP explanation, execution and audit trail.",
    tags: ["forensics"],
    request: { params: forensicsParams },
    responses: {
      200: { description: "the explained decision", schema: forensicsResponse },
      404: { description: "decision not found, not explained yet, or older than 90 days", schema: errorResponse },
      503: { description: "forensics store unavailable", schema: errorResponse },
    },
  },
];
