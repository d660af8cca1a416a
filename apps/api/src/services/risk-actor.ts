import type { RiskActor, RiskActorRole } from "@tradeops/core";
import type { Principal } from "../auth/authenticator";

const storedActor = /^(trader|researcher|risk_officer|admin|system):(.+)$/;

/**
 * The actor a principal acts as on the risk controls. Its id is `<role>:<e-mail>`, the same
 * `<role>:<name>` form as the platform's own actors (`system:risk-gate`), so the audit trail,
 * which stores only the id, records in which capacity each change was made.
 */
export function riskActorOf(principal: Principal): RiskActor {
  return { id: `${principal.role}:${principal.email}`, role: principal.role };
}

/** A stored actor id read back: the person (or the platform's component) and the role, when recorded. */
export function readRiskActor(id: string): { actor: string; role: RiskActorRole | null } {
  if (id === "system") return { actor: id, role: "system" };
  const match = storedActor.exec(id);
  const role = match?.[1] as RiskActorRole | undefined;
  const name = match?.[2];
  if (role === undefined || name === undefined) return { actor: id, role: null };
  // The platform's actors keep their full name (`system:risk-gate`); people are shown by e-mail.
  return { actor: role === "system" ? id : name, role };
}
