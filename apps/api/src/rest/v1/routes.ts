import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../../http/api-error";
import type { FeatureApiService } from "../../services/feature-service";
import type { RiskService } from "../../services/risk-service";
import type { TradingService } from "../../services/trading-service";
import { featuresParams, featuresQuery } from "./features.schemas";
import { forensicsParams } from "./forensics.schemas";
import { historyQuery } from "./history.schemas";
import { parse } from "./parse-request";
import { predictRequest } from "./predict.schemas";
import { registerRiskRoutes } from "./risk.routes";

/** A series' path parameters: an impossible symbol is the spec's 404, a bad timeframe its 422. */
function seriesParams(raw: unknown) {
  const symbol = (raw as { symbol?: unknown } | undefined)?.symbol;
  if (!featuresParams.shape.symbol.safeParse(symbol).success) {
    throw new ApiError(404, "UNKNOWN_SYMBOL", `symbol ${String(symbol)} is not supported`);
  }
  return parse(featuresParams, raw, 422, "path");
}

/** The spec's public REST endpoints for execution engines (see the OpenAPI document). */
export function registerRestV1(
  app: FastifyInstance,
  services: { readonly trading: TradingService; readonly features: FeatureApiService; readonly risk: RiskService },
) {
  const { trading, features } = services;
  app.get("/api/v1/features/:symbol/:timeframe", async (request) => {
    const params = seriesParams(request.params);
    const query = parse(featuresQuery, request.query, 422, "query");
    return features.features(params, query);
  });

  // Bars and features between two times as NDJSON, streamed: a year of 1-minute bars never sits
  // in memory. Everything that can fail with a status fails before the first byte is sent.
  app.get("/api/v1/history/:symbol/:timeframe", async (request, reply) => {
    const params = seriesParams(request.params);
    const query = parse(historyQuery, request.query, 422, "query");
    const lines = await features.openHistory(params, query);
    return reply
      .type("application/x-ndjson")
      .header("x-feature-pipeline-version", features.pipelineVersion)
      .send(Readable.from(lines));
  });

  app.post("/api/v1/predict", async (request) => {
    const body = parse(predictRequest, request.body, 400, "request body");
    return trading.predict(body);
  });

  registerRiskRoutes(app, services.risk);

  app.get("/api/v1/forensics/:decision_id", async (request) => {
    const params = parse(forensicsParams, request.params, 404, "decision id");
    return trading.forensics(params.decision_id);
  });
}
