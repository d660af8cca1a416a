import { createHash } from "node:crypto";
import {
  type AuditEntry,
  checkPreTrade,
  type LiveRiskGate,
  type Logger,
  type PortfolioSnapshotEvent,
  type PreTradeProposal,
  type PreTradeResult,
  type Reservation,
  type RiskAlertEvent,
  type RiskControls,
  RiskEstimateError,
  type RiskLimitPatch,
  type RiskLimitSet,
  staticPortfolioView,
  type TradingStateName,
  type TradingStateRecord,
} from "@tradeops/core";
import type { z } from "zod";
import type { Principal } from "../auth/authenticator";
import { ApiError } from "../http/api-error";
import type {
  auditEntryResponse,
  HrpResponse,
  RiskCheckRequest,
  RiskCheckResponse,
  RiskControlsResponse,
  RiskStateResponse,
  tradingStateResponse,
} from "../rest/v1/risk.schemas";
import type { riskHrpOutput, riskOverviewOutput } from "../trpc/routers/risk/risk.schemas";
import { readRiskActor, riskActorOf } from "./risk-actor";
import type { RiskFeed } from "./risk-feed";

export interface RiskServiceDependencies {
  /** The portfolio's risk controls in this process (loaded from the database on first use). */
  readonly controls: () => Promise<RiskControls>;
  /** The live portfolio's gate, in the process that is the portfolio's single writer; undefined elsewhere. */
  readonly gate: () => LiveRiskGate | undefined;
  readonly feed: RiskFeed;
  /** Symbol → sector, for checks against a `portfolio_state` given in the request. */
  readonly sectors: Readonly<Record<string, string>>;
  readonly now: () => number;
  readonly logger: Logger;
  /** How long a request waits for the controls to load before answering 503; default 2 s. */
  readonly controlsWaitMs?: number;
}

type TradingStateBody = z.input<typeof tradingStateResponse>;
type AuditBody = z.input<typeof auditEntryResponse>;

/** Audit entries and alerts listed at most. */
const listLength = 50;

/**
 * The risk manager's API, free of HTTP: pre-trade checks (against the live portfolio's gate,
 * which reserves approvals, or a portfolio given in the request), reservations, the published
 * risk state, HRP targets and alerts, and the risk controls (limits, trading state, audit).
 * Errors are ApiErrors with the spec's status codes.
 */
export class RiskService {
  readonly #deps: RiskServiceDependencies;
  #controls: RiskControls | undefined;

  constructor(deps: RiskServiceDependencies) {
    this.#deps = deps;
  }

  /** The controls once loaded; 503 RISK_NOT_READY while they are not (checks must not run without limits). */
  async #requireControls(): Promise<RiskControls> {
    const known = this.#controls;
    if (known?.ready) return known;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#deps.controlsWaitMs ?? 2_000);
    });
    try {
      const controls = await Promise.race([this.#deps.controls(), timeout]);
      if (controls?.ready) {
        this.#controls = controls;
        return controls;
      }
    } catch (error) {
      this.#deps.logger.warn({ err: error }, "risk controls could not be loaded");
    } finally {
      clearTimeout(timer);
    }
    throw new ApiError(503, "RISK_NOT_READY", "the risk controls (limits, trading state) are not loaded yet; retry");
  }

  #timestamp(): string {
    return new Date(this.#deps.now()).toISOString();
  }

  /**
   * POST /api/v1/risk/check. With `portfolio_state`: that portfolio, checked alone (nothing
   * reserved) under the limits and trading state in force, the last price being the order's.
   * Without: the live portfolio's gate, which reserves an approval until it fills, is cancelled
   * or expires. `clientId` (the caller's API key) is the throttle's and duplicate detection's client.
   */
  async check(request: RiskCheckRequest, clientId: string | undefined): Promise<RiskCheckResponse> {
    const controls = await this.#requireControls();
    const proposal: PreTradeProposal = {
      symbol: request.symbol,
      side: request.action,
      quantity: request.quantity,
      price: request.estimated_price,
      ...(clientId === undefined ? {} : { clientId }),
      ...(request.order_id === undefined ? {} : { orderId: request.order_id }),
    };
    const gate = this.#deps.gate();
    const state = request.portfolio_state;
    try {
      if (state !== undefined) {
        const view = staticPortfolioView({ ...state, sectors: this.#deps.sectors });
        // The live model's VaR and correlations when this process has them; the collar's reference is the order's price.
        const market = gate?.marketInputs(request.symbol, view, request.estimated_price) ?? {
          lastPrice: request.estimated_price,
        };
        const result = checkPreTrade(view, proposal, controls.limits, {
          tradingState: controls.tradingState.state,
          ...market,
        });
        return this.#checkBody(result, null);
      }
      if (gate === undefined) {
        throw new ApiError(
          503,
          "PORTFOLIO_NOT_HOSTED",
          "this API process does not host the live portfolio: checks against it are answered by the " +
            "portfolio's single writer (the process running the decisions role). Send the request there, " +
            "or pass portfolio_state to check against a portfolio of your own.",
        );
      }
      const decision = gate.check(proposal);
      return this.#checkBody(decision.result, decision.reservation);
    } catch (error) {
      if (error instanceof RangeError) throw new ApiError(400, "INVALID_TRADE", error.message);
      if (error instanceof RiskEstimateError) {
        this.#deps.logger.error({ err: error, symbol: request.symbol }, "VaR estimate failed");
        throw new ApiError(503, "RISK_ESTIMATE_FAILED", `the risk manager cannot decide: ${error.message}`);
      }
      throw error;
    }
  }

  #checkBody(result: PreTradeResult, reservation: Reservation | null): RiskCheckResponse {
    const timestamp = this.#timestamp();
    const common = {
      warnings: [...result.warnings],
      timestamp,
      limits_version: result.limits_version,
      trading_state: result.trading_state,
    };
    if (!result.approved) {
      return {
        approved: false,
        rejection_reasons: result.rejection_reasons.map((reason) => ({ ...reason })),
        allowed_quantity: result.allowed_quantity,
        ...common,
      };
    }
    const { position_after_trade, portfolio_impact, limit_utilization } = result.risk_assessment;
    return {
      approved: true,
      risk_assessment: {
        position_after_trade: { ...position_after_trade },
        portfolio_impact: { ...portfolio_impact },
        limit_utilization: { ...limit_utilization },
      },
      ...(reservation === null
        ? {}
        : {
            reservation_id: reservation.id,
            reservation_expires_at: new Date(reservation.expiresAt).toISOString(),
          }),
      ...common,
    };
  }

  /** Releases an approval the execution engine will not send (its exposure counts no more). */
  cancelReservation(reservationId: string): { reservation_id: string; cancelled: true; timestamp: string } {
    const gate = this.#deps.gate();
    if (gate === undefined) {
      throw new ApiError(
        503,
        "PORTFOLIO_NOT_HOSTED",
        "this API process does not host the live portfolio, whose single writer holds the reservations",
      );
    }
    if (!gate.cancel(reservationId)) {
      throw new ApiError(
        404,
        "RESERVATION_NOT_FOUND",
        `no open reservation ${reservationId} (unknown, filled, cancelled already or expired)`,
      );
    }
    return { reservation_id: reservationId, cancelled: true, timestamp: this.#timestamp() };
  }

  /** GET /api/v1/risk/state: the latest periodic risk state. */
  state(): RiskStateResponse {
    const body = riskStateBody(this.#deps.feed.state);
    if (body === null) {
      throw new ApiError(
        503,
        "RISK_STATE_UNAVAILABLE",
        "no risk state published yet (the decisions role publishes one every 10 s once running)",
      );
    }
    return body;
  }

  /** GET /api/v1/risk/hrp: target and current weights, 503 while history is too short for targets. */
  hrp(): HrpResponse {
    const event = this.#deps.feed.state;
    const weights = event === null ? null : hrpWeights(event);
    if (event === null || weights === null) {
      throw new ApiError(
        503,
        "HRP_UNAVAILABLE",
        "no hierarchical-risk-parity targets yet: too little return history (or no risk state published yet)",
      );
    }
    return {
      as_of: event.last_updated ?? event.timestamp,
      observations: event.hrp_target?.observations ?? 0,
      symbols: weights.symbols.map((w) => ({ symbol: w.symbol, target_weight: w.target, current_weight: w.current })),
    };
  }

  /** GET /api/v1/risk/alerts: newest first. */
  alerts(limit: number): { alerts: RiskAlertEvent[] } {
    return { alerts: this.#deps.feed.alerts.slice(0, limit) };
  }

  /** The limits, trading state and audit trail in force. */
  async controls(): Promise<RiskControlsResponse> {
    const controls = await this.#requireControls();
    const trail = await controls.auditTrail(listLength);
    return {
      limits: controls.limits,
      tradingState: tradingStateBody(controls.tradingState),
      audit: trail.map(auditBody),
    };
  }

  /** A new limit version (risk officers and admins; the route checked the role). */
  async reviseLimits(patch: RiskLimitPatch, reason: string, principal: Principal): Promise<RiskLimitSet> {
    const controls = await this.#requireControls();
    const outcome = await controls.reviseLimits(patch, riskActorOf(principal), reason);
    if (outcome.ok) {
      this.#deps.logger.info(
        { by: principal.email, version: outcome.limits.version, changes: outcome.changes, reason },
        "risk limits revised",
      );
      return outcome.limits;
    }
    // A patch that changes nothing leaves the set in force, which is what was asked for.
    if (outcome.code === "UNCHANGED") return controls.limits;
    throw refusal(outcome);
  }

  /** The kill switch (risk officers and admins); asking for the state in force returns it unchanged. */
  async setTradingState(state: TradingStateName, reason: string, principal: Principal): Promise<TradingStateBody> {
    const controls = await this.#requireControls();
    const outcome = await controls.setTradingState(state, riskActorOf(principal), reason);
    if (outcome.ok) {
      this.#deps.logger.warn({ by: principal.email, state, reason }, "trading state changed");
      return tradingStateBody(outcome.record);
    }
    if (outcome.code === "UNCHANGED") return tradingStateBody(controls.tradingState);
    throw refusal(outcome);
  }

  /** Everything the console's Risk page shows, in one call. */
  async overview(): Promise<z.input<typeof riskOverviewOutput>> {
    const event = this.#deps.feed.state;
    return {
      controls: await this.controls(),
      state: riskStateBody(event),
      hrp: event === null ? null : hrpWeights(event),
      alerts: this.#deps.feed.alerts.slice(0, listLength),
    };
  }
}

/** A refused change as its status: CONFLICT 409, FORBIDDEN 403, INVALID (bad values) 400. */
function refusal(outcome: { readonly code: string; readonly message: string }): ApiError {
  if (outcome.code === "CONFLICT") return new ApiError(409, "CONFLICT", outcome.message);
  if (outcome.code === "FORBIDDEN") return new ApiError(403, "FORBIDDEN", outcome.message);
  return new ApiError(400, "INVALID_CHANGE", outcome.message);
}

function tradingStateBody(record: TradingStateRecord): TradingStateBody {
  return {
    state: record.state,
    setBy: readRiskActor(record.setBy).actor,
    role: record.role,
    reason: record.reason,
    time: record.time,
  };
}

function auditBody(entry: AuditEntry): AuditBody {
  const { actor, role } = readRiskActor(entry.actor);
  const id = createHash("sha256")
    .update(JSON.stringify([entry.time, entry.actor, entry.action, entry.entityId, entry.reason ?? null]))
    .digest("hex")
    .slice(0, 20);
  return {
    id,
    time: entry.time,
    actor,
    role,
    action: entry.action,
    reason: entry.reason ?? null,
    old: entry.before ?? null,
    new: entry.after ?? null,
  };
}

/** The spec's risk state from a periodic event; null for an event without metrics (a per-decision one). */
function riskStateBody(event: PortfolioSnapshotEvent | null): RiskStateResponse | null {
  const metrics = event?.risk_metrics;
  if (event === null || metrics === undefined) return null;
  return {
    portfolio_id: event.portfolio_id,
    portfolio: event.portfolio,
    risk_metrics: metrics,
    limit_utilization: event.limit_utilization,
    limits: event.limits,
    daily_pnl: event.daily_pnl,
    realized_pnl: event.realized_pnl,
    last_updated: event.last_updated ?? event.timestamp,
    trading_state: event.trading_state ?? null,
    limits_version: event.limits_version ?? null,
  };
}

/** Target weights beside each symbol's share of the invested value; null without targets. */
function hrpWeights(event: PortfolioSnapshotEvent): z.input<typeof riskHrpOutput> | null {
  const target = event.hrp_target;
  if (target === null || target === undefined) return null;
  const positions = event.portfolio.positions;
  const invested = Object.values(positions).reduce((sum, p) => sum + p.market_value, 0);
  const symbols = [...new Set([...target.symbols, ...Object.keys(positions)])];
  return {
    asOf: event.last_updated ?? event.timestamp,
    symbols: symbols.map((symbol) => ({
      symbol,
      target: target.weights[symbol] ?? 0,
      current: invested > 0 ? (positions[symbol]?.market_value ?? 0) / invested : 0,
    })),
  };
}
