import type { RiskLimitPatch, RiskLimitSet } from "@tradeops/core";

/**
 * The limit set as a form: which inputs, their labels and units, and the conversions between the
 * stored values (shares as fractions) and what a risk officer types (percentages).
 */
export type VarBasis = "share" | "currency";

export const limitFieldIds = [
  "maxPositionShare",
  "positionWarnShare",
  "maxSectorShare",
  "sectorWarnShare",
  "maxLeverage",
  "maxDailyLossShare",
  "maxVar95.value",
  "maxOrderValue",
  "maxOrderQuantity",
  "priceCollar",
  "throttle.maxMessages",
  "throttle.perMs",
  "duplicateWindowMs",
] as const;

export type LimitFieldId = (typeof limitFieldIds)[number];

export interface LimitField {
  readonly id: LimitFieldId;
  readonly label: string;
  /** Shown after the input; for the VaR limit it follows the basis. */
  readonly unit: string;
  /** Stored value × scale = the value typed. */
  readonly scale: number;
  readonly hint: string;
}

const percent = { unit: "%", scale: 100 } as const;

const fields: Readonly<Record<LimitFieldId, Omit<LimitField, "id">>> = {
  maxPositionShare: { label: "Single position limit", ...percent, hint: "of total value" },
  positionWarnShare: { label: "Single position alert", ...percent, hint: "warning, never a refusal" },
  maxSectorShare: { label: "Sector exposure limit", ...percent, hint: "of total value" },
  sectorWarnShare: { label: "Sector exposure alert", ...percent, hint: "warning, never a refusal" },
  maxLeverage: { label: "Leverage limit", unit: "×", scale: 1, hint: "gross exposure over equity" },
  maxDailyLossShare: { label: "Daily loss limit", ...percent, hint: "of the day's opening value" },
  "maxVar95.value": { label: "VaR limit (95%, 1 day)", ...percent, hint: "after the trade" },
  maxOrderValue: { label: "Maximum order value", unit: "$", scale: 1, hint: "quantity × price" },
  maxOrderQuantity: { label: "Maximum order quantity", unit: "shares", scale: 1, hint: "per order" },
  priceCollar: { label: "Price collar", ...percent, hint: "away from the last price" },
  "throttle.maxMessages": { label: "Message throttle", unit: "orders", scale: 1, hint: "per client, per window" },
  "throttle.perMs": { label: "Throttle window", unit: "ms", scale: 1, hint: "1000 ms: orders per second" },
  duplicateWindowMs: { label: "Duplicate-order window", unit: "ms", scale: 1, hint: "same order twice within" },
};

/** The field, with the VaR limit's unit and scale following its basis (a share, or an amount). */
export function limitField(id: LimitFieldId, varBasis: VarBasis): LimitField {
  const field = { id, ...fields[id] };
  if (id === "maxVar95.value" && varBasis === "currency")
    return { ...field, unit: "$", scale: 1, hint: "after the trade" };
  return field;
}

function isLimitField(path: string): path is LimitFieldId {
  return (limitFieldIds as readonly string[]).includes(path);
}

/**
 * A recorded limit value as the form shows it: "25%" rather than 0.25. The VaR limit's value is
 * written as recorded, since its unit depends on the basis recorded beside it.
 */
export function formatLimitValue(path: string, value: string | number | boolean): string {
  if (typeof value !== "number" || !isLimitField(path) || path === "maxVar95.value") return String(value);
  const field = fields[path];
  const shown = display(value * field.scale);
  if (field.unit === "%" || field.unit === "×") return `${shown}${field.unit}`;
  return field.unit === "$" ? `$${shown}` : `${shown} ${field.unit}`;
}

/** A recorded limit's label ("Single position limit"); other paths (`version`, `state`) as they are. */
export function limitPathLabel(path: string): string {
  return pathLabels.get(path) ?? path;
}

export interface LimitFormValues {
  readonly varBasis: VarBasis;
  readonly values: Readonly<Record<LimitFieldId, string>>;
}

function stored(limits: RiskLimitSet, id: LimitFieldId): number {
  switch (id) {
    case "maxVar95.value":
      return limits.maxVar95.value;
    case "throttle.maxMessages":
      return limits.throttle.maxMessages;
    case "throttle.perMs":
      return limits.throttle.perMs;
    default:
      return limits[id];
  }
}

/** 0.23 × 100 is 23.000000000000004 in floating point; twelve significant digits hide that. */
function display(value: number): string {
  return String(Number(value.toPrecision(12)));
}

export function toFormValues(limits: RiskLimitSet): LimitFormValues {
  const varBasis = limits.maxVar95.basis;
  const values = Object.fromEntries(
    limitFieldIds.map((id) => [id, display(stored(limits, id) * limitField(id, varBasis).scale)]),
  ) as Record<LimitFieldId, string>;
  return { varBasis, values };
}

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

export type LimitPatchResult =
  | { readonly ok: true; readonly patch: RiskLimitPatch; readonly changed: readonly LimitFieldId[] }
  | { readonly ok: false; readonly errors: Partial<Record<LimitFieldId, string>> };

/**
 * The patch that takes `limits` to what the form says: only the limits that differ (nested ones,
 * the VaR limit and the throttle, replaced whole, as the API expects). Range checks are the
 * server's: it validates the whole set and its messages are shown beside the form.
 */
export function buildLimitPatch(limits: RiskLimitSet, form: LimitFormValues): LimitPatchResult {
  const parsed = new Map<LimitFieldId, number>();
  const errors: Partial<Record<LimitFieldId, string>> = {};
  for (const id of limitFieldIds) {
    const text = form.values[id].trim();
    const value = Number(text);
    const field = limitField(id, form.varBasis);
    if (text === "" || !Number.isFinite(value)) errors[id] = "enter a number";
    // The server's range message would speak in fractions ("<= 1"); a percentage is said here.
    else if (field.unit === "%" && (value <= 0 || value > 100)) errors[id] = "a percentage above 0, at most 100";
    else parsed.set(id, value / field.scale);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const value = (id: LimitFieldId) => parsed.get(id) ?? stored(limits, id);
  const changed = limitFieldIds.filter((id) => !same(value(id), stored(limits, id)));
  const patch: Record<string, unknown> = {};
  for (const id of changed) {
    if (id === "maxVar95.value" || id.startsWith("throttle.")) continue;
    patch[id] = value(id);
  }
  const basisChanged = form.varBasis !== limits.maxVar95.basis;
  if (basisChanged || changed.includes("maxVar95.value")) {
    patch.maxVar95 = { basis: form.varBasis, value: value("maxVar95.value") };
  }
  if (changed.includes("throttle.maxMessages") || changed.includes("throttle.perMs")) {
    patch.throttle = { maxMessages: value("throttle.maxMessages"), perMs: value("throttle.perMs") };
  }
  return {
    ok: true,
    patch: patch as RiskLimitPatch,
    changed: basisChanged && !changed.includes("maxVar95.value") ? [...changed, "maxVar95.value"] : changed,
  };
}

const pathLabels: ReadonlyMap<string, string> = new Map([
  ...limitFieldIds.map((id) => [id, fields[id].label] as const),
  ["maxVar95", "VaR limit"],
  ["throttle", "Throttle"],
]);

// One pass over every path, longest first, so a label is never itself rewritten.
const pathPattern = new RegExp(
  `(?:limits\\.)?\\b(${[...pathLabels.keys()]
    .sort((a, b) => b.length - a.length)
    .map((path) => path.replace(".", "\\."))
    .join("|")})\\b`,
  "g",
);

/** A server message with the limits' field paths (`limits.maxPositionShare`) replaced by their labels. */
export function labelLimitPaths(line: string): string {
  return line.replace(pathPattern, (match, path: string) => pathLabels.get(path) ?? match);
}
