import { z } from "zod";
import {
  type RiskActor,
  type RiskAuditEvent,
  type RiskChangeRefusal,
  riskActorSchema,
  riskChangeReasonSchema,
  riskOfficerRoles,
} from "./risk-audit";

const share = z.number().gt(0).max(1);
const DAY_MS = 86_400_000;

/**
 * The VaR limit: on the portfolio's 1-day 95% VaR after a trade, either an amount of the base
 * currency or a share of the portfolio's total value.
 */
export const varLimitSchema = z.discriminatedUnion("basis", [
  z.strictObject({ basis: z.literal("currency"), value: z.number().positive().finite() }),
  z.strictObject({ basis: z.literal("share"), value: share }),
]);

export type VarLimit = z.output<typeof varLimitSchema>;

/** At most `maxMessages` messages per client in any `perMs` milliseconds (a sliding window). */
export const throttleLimitSchema = z.strictObject({
  maxMessages: z.number().int().min(1).max(100_000),
  perMs: z.number().int().min(1).max(DAY_MS),
});

export type ThrottleLimit = z.output<typeof throttleLimitSchema>;

/** The limits themselves, without defaults (a patch must not fill in what it leaves out). */
const limitShape = {
  /** The spec's single-position limit, of total value. */
  maxPositionShare: share,
  /** The spec's alert threshold ("any position > 23%"): a warning, never a refusal. */
  positionWarnShare: share,
  /** The spec's sector exposure limit, of total value. */
  maxSectorShare: share,
  /** Warned above, at the same 92% of the limit as 23% is of 25%. */
  sectorWarnShare: share,
  /** Gross exposure over equity (total value). */
  maxLeverage: z.number().gt(0).max(100),
  /** The day's loss, as a fraction of its opening value, beyond which no new buying is allowed. */
  maxDailyLossShare: share,
  /** On the 1-day 95% VaR after the trade. */
  maxVar95: varLimitSchema,
  /** Fat-finger limit on one order's value (quantity × price), in the base currency. */
  maxOrderValue: z.number().positive().finite(),
  /** Fat-finger limit on one order's quantity, in shares. */
  maxOrderQuantity: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** An order priced further than this fraction from the last price is refused. */
  priceCollar: share,
  throttle: throttleLimitSchema,
  /** Two orders alike (client, symbol, side, quantity, price) this close together are one order sent twice. */
  duplicateWindowMs: z.number().int().min(0).max(DAY_MS),
};

type LimitValues = { [K in keyof typeof limitShape]: z.output<(typeof limitShape)[K]> };

const limitDefaults: LimitValues = {
  maxPositionShare: 0.25,
  positionWarnShare: 0.23,
  maxSectorShare: 0.5,
  sectorWarnShare: 0.46,
  maxLeverage: 1.5,
  maxDailyLossShare: 0.02,
  maxVar95: { basis: "share", value: 0.05 },
  maxOrderValue: 500_000,
  maxOrderQuantity: 50_000,
  priceCollar: 0.05,
  throttle: { maxMessages: 100, perMs: 1_000 },
  duplicateWindowMs: 2_000,
};

function withDefaults<S extends Record<string, z.ZodType>>(
  shape: S,
  defaults: { [K in keyof S]: z.output<S[K]> },
): { [K in keyof S]: z.ZodDefault<S[K]> } {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => [key, schema.default(defaults[key] as never)]),
  ) as { [K in keyof S]: z.ZodDefault<S[K]> };
}

function crossFieldRules(
  limits: { positionWarnShare: number; maxPositionShare: number; sectorWarnShare: number; maxSectorShare: number },
  ctx: z.RefinementCtx,
): void {
  if (limits.positionWarnShare > limits.maxPositionShare) {
    ctx.addIssue({ code: "custom", path: ["positionWarnShare"], message: "position warning above its limit" });
  }
  if (limits.sectorWarnShare > limits.maxSectorShare) {
    ctx.addIssue({ code: "custom", path: ["sectorWarnShare"], message: "sector warning above its limit" });
  }
}

/**
 * A portfolio's limit set. Versions start at 1 and each revision adds one (`reviseLimits`); the
 * database keeps every version (`risk_limit_sets`), so a decision can always be traced to the
 * limits it was checked against.
 */
export const riskLimitSetSchema = z
  .strictObject({ ...withDefaults(limitShape, limitDefaults), version: z.number().int().min(1).default(1) })
  .superRefine(crossFieldRules);

export type RiskLimitSet = z.output<typeof riskLimitSetSchema>;

export const defaultRiskLimitSet: RiskLimitSet = deepFreeze(riskLimitSetSchema.parse({}));

/** A change to some limits: any subset of the fields, each replaced whole. */
export const riskLimitPatchSchema = z
  .strictObject(limitShape)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, "a limit change must change something");

export type RiskLimitPatch = z.input<typeof riskLimitPatchSchema>;

/** One limit that differs between two versions, by its dotted path (e.g. `throttle.maxMessages`). */
export interface LimitChange {
  readonly path: string;
  readonly before: number | string | undefined;
  readonly after: number | string | undefined;
}

type Leaf = number | string;

function flatten(value: unknown, prefix: string, into: Map<string, Leaf>): void {
  if (typeof value === "number" || typeof value === "string") {
    into.set(prefix, value);
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value).sort()) {
      flatten((value as Record<string, unknown>)[key], prefix === "" ? key : `${prefix}.${key}`, into);
    }
  }
}

/**
 * The limits that differ from `before` to `after`, sorted by path, for the audit trail. The
 * version is the sets' identity, not a limit, so it is not listed.
 */
export function diffLimits(before: RiskLimitSet, after: RiskLimitSet): LimitChange[] {
  const a = new Map<string, Leaf>();
  const b = new Map<string, Leaf>();
  flatten({ ...before, version: undefined }, "", a);
  flatten({ ...after, version: undefined }, "", b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const changes: LimitChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (!Object.is(x, y)) changes.push({ path, before: x, after: y });
  }
  return changes;
}

export interface LimitRevision {
  readonly ok: true;
  /** The new set, at the next version. */
  readonly limits: RiskLimitSet;
  readonly changes: readonly LimitChange[];
  readonly audit: RiskAuditEvent;
}

/**
 * The next version of a portfolio's limits: `current` with `patch` applied, checked as a whole.
 * Only a risk officer or an admin may change limits, always with a reason; a patch that changes
 * nothing is refused rather than recorded as an empty version.
 */
export function reviseLimits(
  current: RiskLimitSet,
  patch: RiskLimitPatch,
  change: { readonly portfolioId: string; readonly actor: RiskActor; readonly reason: string; readonly time: number },
): LimitRevision | RiskChangeRefusal {
  const actor = riskActorSchema.safeParse(change.actor);
  if (!actor.success) return { ok: false, code: "INVALID", message: `actor: ${z.prettifyError(actor.error)}` };
  const reason = riskChangeReasonSchema.safeParse(change.reason);
  if (!reason.success) return { ok: false, code: "INVALID", message: "a limit change needs a reason" };
  if (!riskOfficerRoles.has(actor.data.role)) {
    return { ok: false, code: "FORBIDDEN", message: `a ${actor.data.role} may not change risk limits` };
  }
  const parsedPatch = riskLimitPatchSchema.safeParse(patch);
  if (!parsedPatch.success) return { ok: false, code: "INVALID", message: z.prettifyError(parsedPatch.error) };
  const next = riskLimitSetSchema.safeParse({ ...current, ...parsedPatch.data, version: current.version + 1 });
  if (!next.success) return { ok: false, code: "INVALID", message: z.prettifyError(next.error) };
  const changes = diffLimits(current, next.data);
  if (changes.length === 0) return { ok: false, code: "UNCHANGED", message: "the patch changes no limit" };
  const limits = deepFreeze(next.data);
  return {
    ok: true,
    limits,
    changes,
    audit: {
      time: change.time,
      actor: actor.data.id,
      action: "risk_limits.update",
      entityType: "portfolio",
      entityId: change.portfolioId,
      before: current,
      after: limits,
      reason: reason.data,
    },
  };
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner !== null && typeof inner === "object") deepFreeze(inner);
  }
  return Object.freeze(value);
}
