import { z } from "zod";
import { errorResponse } from "../rest/v1/common.schemas";
import { featuresParams, featuresQuery, featuresResponse } from "../rest/v1/features.schemas";
import { forensicsParams, forensicsResponse } from "../rest/v1/forensics.schemas";
import { historyLineSchema, historyParams, historyQuery } from "../rest/v1/history.schemas";
import { predictRequest, predictResponse } from "../rest/v1/predict.schemas";
import { riskCheckRequest, riskCheckResponse } from "../rest/v1/risk.schemas";
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
    summary: "Pre-trade check of a proposed trade against the portfolio's limits.",
    tags: ["risk"],
    request: { body: riskCheckRequest },
    responses: {
      200: {
        description: "approved, or rejected with reasons and the largest allowed quantity",
        schema: riskCheckResponse,
      },
      400: { description: "invalid trade parameters", schema: errorResponse },
      503: { description: "risk manager unavailable", schema: errorResponse },
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
