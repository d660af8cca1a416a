import { z } from "zod";

/** Who acts on a portfolio's risk controls; `system` is the platform itself (e.g. an automatic halt). */
export const riskActorRoles = ["trader", "researcher", "risk_officer", "admin", "system"] as const;

export type RiskActorRole = (typeof riskActorRoles)[number];

export const riskActorSchema = z.strictObject({
  /** A user id (or e-mail), or a name such as `system:daily-loss-monitor`. */
  id: z.string().trim().min(1).max(200),
  role: z.enum(riskActorRoles),
});

export type RiskActor = z.output<typeof riskActorSchema>;

/** Every change to a risk control carries a reason a reviewer can read later. */
export const riskChangeReasonSchema = z.string().trim().min(3).max(1_000);

/** The roles allowed to set limits and to loosen a trading state: people accountable for risk. */
export const riskOfficerRoles: ReadonlySet<RiskActorRole> = new Set(["risk_officer", "admin"]);

/**
 * An `audit_events` row to append for a change to a portfolio's risk controls (the table is
 * append-only: who, when, what before, what after, and why).
 */
export interface RiskAuditEvent {
  /** Epoch ms. */
  readonly time: number;
  readonly actor: string;
  readonly action: "risk_limits.update" | "trading_state.halt" | "trading_state.reduce" | "trading_state.resume";
  readonly entityType: "portfolio";
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly reason: string;
}

/** Why a requested change to a risk control was refused. */
export interface RiskChangeRefusal {
  readonly ok: false;
  /** FORBIDDEN: the actor's role may not make it; UNCHANGED: nothing would change; INVALID: bad input. */
  readonly code: "FORBIDDEN" | "UNCHANGED" | "INVALID";
  readonly message: string;
}
