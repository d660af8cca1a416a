import { z } from "zod";
import type { RiskPortfolioView, TradeSide } from "./portfolio";

const share = z.number().gt(0).max(1);

/** The v1 limits; shares are of the portfolio's total value after the trade. */
export const riskLimitsSchema = z
  .object({
    /** The spec's single-position limit. */
    maxPositionShare: share.default(0.25),
    /** The spec's alert threshold below it ("any position > 23%"). */
    positionWarningShare: share.default(0.23),
    /** The spec's sector exposure limit (its example: 50% in technology). */
    maxSectorShare: share.default(0.5),
    /** Warned above, at the same 92% of the limit as 23% is of 25%. */
    sectorWarningShare: share.default(0.46),
    /** The spec's daily loss limit, as a fraction of the day's opening value. */
    maxDailyLoss: share.default(0.02),
  })
  .refine((limits) => limits.positionWarningShare <= limits.maxPositionShare, "position warning above its limit")
  .refine((limits) => limits.sectorWarningShare <= limits.maxSectorShare, "sector warning above its limit");

export type RiskLimits = z.output<typeof riskLimitsSchema>;

export const defaultRiskLimits: RiskLimits = Object.freeze(riskLimitsSchema.parse({}));

export interface TradeProposal {
  readonly symbol: string;
  readonly side: TradeSide;
  /** Whole shares, at least 1. */
  readonly quantity: number;
  /** The price the trade is expected at (the spec's `estimated_price`). */
  readonly price: number;
}

export type CheckStatus = "pass" | "fail";

export type RejectionCode =
  | "CONCENTRATION_LIMIT"
  | "SECTOR_LIMIT"
  | "DAILY_LOSS_LIMIT"
  | "INSUFFICIENT_CASH"
  | "INSUFFICIENT_POSITION";

export interface RejectionReason {
  readonly code: RejectionCode;
  readonly message: string;
  readonly limit: number;
  readonly proposed: number;
}

/**
 * The spec's `risk_validation` (POST /predict) and risk/check response, snake_case as on the wire.
 * `checks`:
 * - `position_limit`: the symbol's position ≤ 25% of total value after the trade (CONCENTRATION_LIMIT,
 *   the spec's code for it);
 * - `concentration`: the symbol's sector ≤ 50% of total value after the trade (SECTOR_LIMIT);
 * - `daily_loss_limit`: no BUY while the day's loss exceeds 2% (DAILY_LOSS_LIMIT);
 * - `sufficiency`: cash to pay for a BUY (INSUFFICIENT_CASH), shares to deliver for a SELL
 *   (INSUFFICIENT_POSITION: no shorting in v1).
 * A SELL only reduces exposure, so it passes the three limits whatever the portfolio's state.
 */
export interface RiskValidation {
  readonly approved: boolean;
  readonly warnings: readonly string[];
  readonly checks: {
    readonly position_limit: CheckStatus;
    readonly concentration: CheckStatus;
    readonly daily_loss_limit: CheckStatus;
    readonly sufficiency: CheckStatus;
  };
  readonly rejection_reasons: readonly RejectionReason[];
  /** The largest whole quantity of this side and symbol that passes every check (0 if none). */
  readonly allowed_quantity: number;
  readonly position_after_trade: {
    readonly quantity: number;
    readonly market_value: number;
    readonly pct_portfolio: number;
  };
  /** pct_portfolio after the trade minus before it. */
  readonly concentration_increase: number;
  /** Each measure after the trade over its limit (1 = at the limit). */
  readonly limit_utilization: {
    readonly position_size: number;
    readonly sector_exposure: number;
    readonly daily_loss: number;
  };
}

/**
 * The portfolio around one symbol at one price. Holdings of the symbol are revalued at the trade
 * price, as booking the fill would (`Portfolio.applyFill` marks at the fill price), so the check
 * judges exactly the state the trade would leave. A BUY swaps cash for shares at that price and a
 * SELL shares for cash, so the total value T does not depend on the quantity.
 */
interface Exposure {
  readonly price: number;
  readonly cash: number;
  /** Shares of the symbol held. */
  readonly held: number;
  /** Total value with the symbol's holding at `price`. */
  readonly total: number;
  /** The symbol's sector, if known. */
  readonly sector: string | undefined;
  /** Holdings of the sector's OTHER symbols, at their marks. */
  readonly sectorOthers: number;
  /** The day's loss over its opening value, 0 on a day that is up. */
  readonly dailyLoss: number;
}

function exposure(view: RiskPortfolioView, symbol: string, price: number): Exposure {
  const sector = view.sectorOf(symbol);
  let total = view.cash;
  let held = 0;
  let sectorOthers = 0;
  for (const holding of view.holdings()) {
    if (holding.symbol === symbol) {
      held = holding.quantity;
      total += holding.quantity * price;
      continue;
    }
    const value = holding.quantity * holding.lastPrice;
    total += value;
    if (sector !== undefined && view.sectorOf(holding.symbol) === sector) sectorOthers += value;
  }
  const dayOpen = view.dayOpenValue;
  const dailyLoss = dayOpen > 0 ? Math.max(0, (dayOpen - total) / dayOpen) : 0;
  return { price, cash: view.cash, held, total, sector, sectorOthers, dailyLoss };
}

interface Verdict {
  readonly positionLimit: boolean;
  readonly concentration: boolean;
  readonly dailyLoss: boolean;
  readonly sufficiency: boolean;
}

/** The checks for `quantity` shares: the one definition both the verdict and allowed_quantity use. */
function verdict(e: Exposure, side: TradeSide, quantity: number, limits: RiskLimits): Verdict {
  if (side === "SELL")
    return { positionLimit: true, concentration: true, dailyLoss: true, sufficiency: quantity <= e.held };
  const after = (e.held + quantity) * e.price;
  return {
    positionLimit: after <= limits.maxPositionShare * e.total,
    concentration: e.sector === undefined || e.sectorOthers + after <= limits.maxSectorShare * e.total,
    dailyLoss: e.dailyLoss <= limits.maxDailyLoss,
    sufficiency: quantity * e.price <= e.cash,
  };
}

function passes(e: Exposure, side: TradeSide, quantity: number, limits: RiskLimits): boolean {
  const v = verdict(e, side, quantity, limits);
  return v.positionLimit && v.concentration && v.dailyLoss && v.sufficiency;
}

/**
 * The largest passing quantity. Every check is monotone in the quantity (for a BUY the position,
 * the sector and the cost grow with it; the daily loss does not depend on it), so the passing
 * quantities are 1..max and the closed form is the smallest of the per-check bounds:
 *   cash      ⌊cash / P⌋
 *   position  ⌊s_max·T / P − h⌋
 *   sector    ⌊(S_max·T − others) / P − h⌋
 * and 0 while the daily loss is beyond its limit. Floors of quotients can land one off the
 * products the checks compare, so the result is then moved to the exact boundary of `passes`
 * (a step or two at most).
 */
function allowedQuantity(e: Exposure, side: TradeSide, limits: RiskLimits): number {
  if (side === "SELL") return e.held;
  if (e.dailyLoss > limits.maxDailyLoss) return 0;
  const bounds = [Math.floor(e.cash / e.price), Math.floor((limits.maxPositionShare * e.total) / e.price - e.held)];
  if (e.sector !== undefined) {
    bounds.push(Math.floor((limits.maxSectorShare * e.total - e.sectorOthers) / e.price - e.held));
  }
  let quantity = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.min(...bounds)));
  while (quantity < Number.MAX_SAFE_INTEGER && passes(e, side, quantity + 1, limits)) quantity += 1;
  while (quantity > 0 && !passes(e, side, quantity, limits)) quantity -= 1;
  return quantity;
}

function assertProposal(proposal: TradeProposal): void {
  const { quantity, price, side } = proposal;
  if (side !== "BUY" && side !== "SELL") throw new RangeError(`side must be BUY or SELL, got ${String(side)}`);
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw new RangeError(`quantity must be a positive whole number of shares, got ${quantity}`);
  }
  if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/**
 * Risk check v1: a proposed trade against the portfolio and the limits. Pure: the same view,
 * proposal and limits always give the same answer. Throws a RangeError on a malformed proposal.
 */
export function checkTrade(
  view: RiskPortfolioView,
  proposal: TradeProposal,
  limits: RiskLimits = defaultRiskLimits,
): RiskValidation {
  assertProposal(proposal);
  const { symbol, side, quantity, price } = proposal;
  const e = exposure(view, symbol, price);
  const v = verdict(e, side, quantity, limits);
  const heldAfter = side === "BUY" ? e.held + quantity : e.held - quantity;
  const valueAfter = heldAfter * price;
  const shareOf = (value: number): number => (e.total > 0 ? value / e.total : 0);
  const shareBefore = shareOf(e.held * price);
  const shareAfter = shareOf(valueAfter);
  const sectorShareAfter = e.sector === undefined ? 0 : shareOf(e.sectorOthers + Math.max(0, valueAfter));

  const reasons: RejectionReason[] = [];
  if (!v.positionLimit) {
    reasons.push({
      code: "CONCENTRATION_LIMIT",
      message: `Trade would exceed ${percent(limits.maxPositionShare)} single-position limit (proposed: ${percent(shareAfter)})`,
      limit: limits.maxPositionShare,
      proposed: shareAfter,
    });
  }
  if (!v.concentration) {
    reasons.push({
      code: "SECTOR_LIMIT",
      message: `Trade would take the ${e.sector ?? ""} sector to ${percent(sectorShareAfter)}, above its ${percent(limits.maxSectorShare)} limit`,
      limit: limits.maxSectorShare,
      proposed: sectorShareAfter,
    });
  }
  if (!v.dailyLoss) {
    reasons.push({
      code: "DAILY_LOSS_LIMIT",
      message: `The day's loss is ${percent(e.dailyLoss)}, beyond the ${percent(limits.maxDailyLoss)} daily loss limit: no new buying today`,
      limit: limits.maxDailyLoss,
      proposed: e.dailyLoss,
    });
  }
  if (!v.sufficiency) {
    reasons.push(
      side === "BUY"
        ? {
            code: "INSUFFICIENT_CASH",
            message: `Trade costs ${(quantity * price).toFixed(2)} but only ${e.cash.toFixed(2)} cash is available`,
            limit: e.cash,
            proposed: quantity * price,
          }
        : {
            code: "INSUFFICIENT_POSITION",
            message: `Cannot sell ${quantity} ${symbol}: ${e.held} held, and v1 does not sell short`,
            limit: e.held,
            proposed: quantity,
          },
    );
  }

  const warnings: string[] = [];
  if (side === "BUY" && shareAfter > limits.positionWarningShare) {
    warnings.push(
      `Position in ${symbol} would be ${percent(shareAfter)} of the portfolio, above the ${percent(limits.positionWarningShare)} alert threshold`,
    );
  }
  if (side === "BUY" && sectorShareAfter > limits.sectorWarningShare) {
    warnings.push(
      `Sector ${e.sector ?? ""} would be ${percent(sectorShareAfter)} of the portfolio, above the ${percent(limits.sectorWarningShare)} alert threshold`,
    );
  }

  const status = (ok: boolean): CheckStatus => (ok ? "pass" : "fail");
  return {
    approved: reasons.length === 0,
    warnings,
    checks: {
      position_limit: status(v.positionLimit),
      concentration: status(v.concentration),
      daily_loss_limit: status(v.dailyLoss),
      sufficiency: status(v.sufficiency),
    },
    rejection_reasons: reasons,
    allowed_quantity: allowedQuantity(e, side, limits),
    position_after_trade: { quantity: heldAfter, market_value: valueAfter, pct_portfolio: shareAfter },
    concentration_increase: shareAfter - shareBefore,
    limit_utilization: {
      position_size: shareAfter / limits.maxPositionShare,
      sector_exposure: sectorShareAfter / limits.maxSectorShare,
      daily_loss: e.dailyLoss / limits.maxDailyLoss,
    },
  };
}
