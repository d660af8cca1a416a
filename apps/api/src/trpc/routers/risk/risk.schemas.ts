/**
 * The console's `risk` router contract (the Risk page is built against it):
 *
 * - `risk.overview` query, public → `riskOverviewOutput`:
 *   `{ controls: { limits, tradingState: { state, setBy, role, reason, time }, audit: [{ id, time,
 *   actor, role, action, reason, old, new }] }, state, hrp: { asOf, symbols: [{ symbol, target,
 *   current }] } | null, alerts }`. Times are epoch ms except `asOf` and the alerts' and state's
 *   ISO strings; `limits` is the core's `RiskLimitSet` (shares as fractions, `version` included);
 *   `state` is the body of GET /api/v1/risk/state, null until the decisions role has published
 *   its first periodic risk state (every 10 s); `hrp` is null while history is too short; `alerts`
 *   are `risk.alerts.v1` events, newest first (at most 50).
 * - `risk.setTradingState` mutation `{ state: "ACTIVE"|"REDUCING"|"HALTED", reason (3–1000 chars) }`,
 *   roles risk_officer and admin → the new `tradingState` record (idempotent: asking for the state
 *   in force returns it unchanged, nothing audited).
 * - `risk.reviseLimits` mutation `{ limits: <any subset of the limits, not version>, reason }`,
 *   roles risk_officer and admin → the new limit set (version + 1; a patch that changes nothing
 *   returns the set in force).
 * - `risk.whoami` query → `{ email, role } | null` for the key sent.
 *
 * Keys travel as `Authorization: Bearer <key>`. Errors: UNAUTHORIZED (no key, or a key that is
 * invalid, expired or revoked — the latter for any procedure), FORBIDDEN (role), BAD_REQUEST
 * (invalid input or a refused change), CONFLICT (a concurrent change won; reload and retry),
 * SERVICE_UNAVAILABLE (risk controls not loaded yet).
 */
import { riskAlertEvent, riskChangeReasonSchema, riskLimitPatchSchema, tradingStateNameSchema } from "@tradeops/core";
import { z } from "zod";
import { userRoles } from "../../../auth/authenticator";
import {
  riskControlsResponse,
  riskLimitSetResponse,
  riskStateResponse,
  tradingStateResponse,
} from "../../../rest/v1/risk.schemas";

export const riskHrpOutput = z.object({
  /** ISO time of the risk state the targets came with. */
  asOf: z.string(),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      /** Target weight; the targets sum to 1. */
      target: z.number(),
      /** Current share of the invested value (cash excluded). */
      current: z.number(),
    }),
  ),
});

export const riskOverviewOutput = z.object({
  controls: riskControlsResponse,
  state: riskStateResponse.nullable(),
  hrp: riskHrpOutput.nullable(),
  alerts: z.array(riskAlertEvent),
});

export const setTradingStateInput = z.object({ state: tradingStateNameSchema, reason: riskChangeReasonSchema });

export const setTradingStateOutput = tradingStateResponse;

export const reviseLimitsInput = z.object({ limits: riskLimitPatchSchema, reason: riskChangeReasonSchema });

export const reviseLimitsOutput = riskLimitSetResponse;

export const whoamiOutput = z.object({ email: z.string(), role: z.enum(userRoles) }).nullable();
