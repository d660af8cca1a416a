import { z } from "zod";
import type { TradeSide } from "./portfolio";
import {
  type RiskActor,
  type RiskAuditEvent,
  type RiskChangeRefusal,
  riskActorRoles,
  riskActorSchema,
  riskChangeReasonSchema,
  riskOfficerRoles,
} from "./risk-audit";

/**
 * A portfolio's trading state, the kill switch:
 * - ACTIVE: every control applies as usual;
 * - REDUCING: only trades that reduce the size of a position pass (a SELL of at most what is
 *   held, since positions are long only), on top of every other control;
 * - HALTED: nothing passes.
 */
export const tradingStateNames = ["ACTIVE", "REDUCING", "HALTED"] as const;

export const tradingStateNameSchema = z.enum(tradingStateNames);

export type TradingStateName = (typeof tradingStateNames)[number];

/** How restrictive each state is; a move up the scale tightens, a move down loosens. */
const severity: Readonly<Record<TradingStateName, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** The current state of a portfolio, as a `trading_states` row: who set it, when and why. */
export const tradingStateRecordSchema = z.strictObject({
  portfolioId: z.string().min(1),
  state: tradingStateNameSchema,
  setBy: z.string().min(1),
  role: z.enum(riskActorRoles),
  reason: z.string().min(1),
  /** Epoch ms. */
  time: z.number().int(),
});

export type TradingStateRecord = z.output<typeof tradingStateRecordSchema>;

/** The state of a new portfolio. */
export function initialTradingState(portfolioId: string, time: number): TradingStateRecord {
  return { portfolioId, state: "ACTIVE", setBy: "system", role: "system", reason: "portfolio opened", time };
}

export interface TradingStateTransition {
  readonly ok: true;
  readonly record: TradingStateRecord;
  readonly audit: RiskAuditEvent;
}

const auditAction = {
  ACTIVE: "trading_state.resume",
  REDUCING: "trading_state.reduce",
  HALTED: "trading_state.halt",
} as const satisfies Record<TradingStateName, RiskAuditEvent["action"]>;

/**
 * Moves a portfolio to another trading state. The rules:
 * - every change has a reason;
 * - a risk officer or an admin may make any change;
 * - the platform itself (`system`, e.g. a monitor that sees a limit breached) may only tighten
 *   (ACTIVE → REDUCING → HALTED): loosening is a human decision;
 * - traders and researchers may change nothing;
 * - setting the current state again is refused as UNCHANGED, so the audit trail holds only real
 *   changes (the caller can treat it as success: the portfolio is in the state asked for).
 * The new state is effective from `time`; spreading it to every process is the caller's job.
 */
export function transitionTradingState(
  current: TradingStateRecord,
  change: { readonly to: TradingStateName; readonly actor: RiskActor; readonly reason: string },
  time: number,
): TradingStateTransition | RiskChangeRefusal {
  const to = tradingStateNameSchema.safeParse(change.to);
  if (!to.success) return { ok: false, code: "INVALID", message: `unknown trading state ${String(change.to)}` };
  const actor = riskActorSchema.safeParse(change.actor);
  if (!actor.success) return { ok: false, code: "INVALID", message: `actor: ${z.prettifyError(actor.error)}` };
  const reason = riskChangeReasonSchema.safeParse(change.reason);
  if (!reason.success) return { ok: false, code: "INVALID", message: "a trading state change needs a reason" };
  const { role, id } = actor.data;
  if (to.data === current.state) {
    return { ok: false, code: "UNCHANGED", message: `portfolio ${current.portfolioId} is already ${current.state}` };
  }
  const tightens = severity[to.data] > severity[current.state];
  const allowed = riskOfficerRoles.has(role) || (role === "system" && tightens);
  if (!allowed) {
    return {
      ok: false,
      code: "FORBIDDEN",
      message:
        role === "system"
          ? `the platform may tighten the trading state but not loosen it (${current.state} → ${to.data})`
          : `a ${role} may not change the trading state`,
    };
  }
  const record: TradingStateRecord = {
    portfolioId: current.portfolioId,
    state: to.data,
    setBy: id,
    role,
    reason: reason.data,
    time,
  };
  return {
    ok: true,
    record,
    audit: {
      time,
      actor: id,
      action: auditAction[to.data],
      entityType: "portfolio",
      entityId: current.portfolioId,
      before: { state: current.state, setBy: current.setBy, reason: current.reason, time: current.time },
      after: { state: record.state },
      reason: reason.data,
    },
  };
}

/**
 * The largest quantity of `side` that does not grow the position of `held` shares (signed) nor
 * turn it around: what a reduce-only order may trade.
 */
export function reduceOnlyQuantity(held: number, side: TradeSide): number {
  if (side === "SELL") return Math.max(0, held);
  return Math.max(0, -held);
}

/** What the state does to a trade of `quantity`: nothing, or the code it is refused with. */
export function tradingStateVerdict(
  state: TradingStateName,
  held: number,
  side: TradeSide,
  quantity: number,
): "pass" | "TRADING_HALTED" | "REDUCE_ONLY" {
  if (state === "HALTED") return "TRADING_HALTED";
  if (state === "REDUCING" && quantity > reduceOnlyQuantity(held, side)) return "REDUCE_ONLY";
  return "pass";
}
