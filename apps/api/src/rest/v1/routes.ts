import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { ApiError } from "../../http/api-error";
import type { TradingService } from "../../services/trading-service";
import { featuresParams, featuresQuery } from "./features.schemas";
import { forensicsParams } from "./forensics.schemas";
import { predictRequest } from "./predict.schemas";
import { riskCheckRequest } from "./risk.schemas";

/** Parses a request part, turning a failure into the spec's status with every problem listed. */
function parse<S extends z.ZodType>(schema: S, value: unknown, status: number, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(
    status,
    status === 422 ? "UNPROCESSABLE" : status === 404 ? "NOT_FOUND" : "BAD_REQUEST",
    `invalid ${what}: ${result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`,
    result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  );
}

/** The spec's public REST endpoints for execution engines (see the OpenAPI document). */
export function registerRestV1(app: FastifyInstance, trading: TradingService) {
  app.get("/api/v1/features/:symbol/:timeframe", async (request) => {
    const raw = request.params as { symbol?: string; timeframe?: string };
    // An unknown symbol is 404 and a bad timeframe or timestamp 422, as the spec assigns them.
    const symbolOk = featuresParams.shape.symbol.safeParse(raw.symbol).success;
    if (!symbolOk) throw new ApiError(404, "UNKNOWN_SYMBOL", `symbol ${String(raw.symbol)} is not supported`);
    const params = parse(featuresParams, raw, 422, "path");
    const query = parse(featuresQuery, request.query, 422, "query");
    return trading.features(params, query);
  });

  app.post("/api/v1/predict", async (request) => {
    const body = parse(predictRequest, request.body, 400, "request body");
    return trading.predict(body);
  });

  app.post("/api/v1/risk/check", async (request) => {
    const body = parse(riskCheckRequest, request.body, 400, "request body");
    return trading.riskCheck(body);
  });

  app.get("/api/v1/forensics/:decision_id", async (request) => {
    const params = parse(forensicsParams, request.params, 404, "decision id");
    return trading.forensics(params.decision_id);
  });
}
