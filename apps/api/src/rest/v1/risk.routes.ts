import type { FastifyInstance } from "fastify";
import { requireRole } from "../../auth/authenticator";
import type { RiskService } from "../../services/risk-service";
import { parse } from "./parse-request";
import {
  alertsQuery,
  reservationParams,
  reviseLimitsRequest,
  riskCheckRequest,
  tradingStateRequest,
} from "./risk.schemas";

const riskOfficers = ["risk_officer", "admin"] as const;
const executionRoles = ["trader", "risk_officer", "admin"] as const;

/**
 * The risk manager's REST endpoints. Reading (and the check, which changes no control) is open in
 * v1; changing the controls or cancelling a reservation needs an API key of the right role.
 */
export function registerRiskRoutes(app: FastifyInstance, risk: RiskService): void {
  app.post("/api/v1/risk/check", async (request) => {
    const body = parse(riskCheckRequest, request.body, 400, "request body");
    // Each API key is its own client for the throttle and duplicate detection; requests without one share.
    return risk.check(body, request.principal?.keyId);
  });

  app.post("/api/v1/risk/reservations/:id/cancel", async (request) => {
    requireRole(request.principal, executionRoles);
    const params = parse(reservationParams, request.params, 400, "path");
    return risk.cancelReservation(params.id);
  });

  app.get("/api/v1/risk/state", async () => risk.state());

  app.get("/api/v1/risk/hrp", async () => risk.hrp());

  app.get("/api/v1/risk/alerts", async (request) => {
    const query = parse(alertsQuery, request.query, 400, "query");
    return risk.alerts(query.limit);
  });

  app.get("/api/v1/risk/controls", async () => risk.controls());

  app.put("/api/v1/risk/limits", async (request) => {
    const principal = requireRole(request.principal, riskOfficers);
    const body = parse(reviseLimitsRequest, request.body, 400, "request body");
    return risk.reviseLimits(body.limits, body.reason, principal);
  });

  app.put("/api/v1/risk/trading-state", async (request) => {
    const principal = requireRole(request.principal, riskOfficers);
    const body = parse(tradingStateRequest, request.body, 400, "request body");
    return risk.setTradingState(body.state, body.reason, principal);
  });
}
