import { z } from "zod";
import type { DuplicateCheck } from "./duplicate-detector";
import type { ThrottleDecision } from "./order-throttle";
import type { RiskPortfolioView, TradeSide } from "./portfolio";
import type { ReservedExposure } from "./reservations";
import type { RiskLimitSet } from "./risk-limits";
import { reduceOnlyQuantity, type TradingStateName } from "./trading-state";

/** Every code a pre-trade check refuses with, in the order reasons are listed. */
export const preTradeRejectionCodes = [
  "TRADING_HALTED",
  "THROTTLED",
  "DUPLICATE_ORDER",
  "PRICE_COLLAR",
  "REDUCE_ONLY",
  "MAX_ORDER_QUANTITY",
  "MAX_ORDER_VALUE",
  "INSUFFICIENT_CASH",
  "INSUFFICIENT_POSITION",
  "CONCENTRATION_LIMIT",
  "SECTOR_LIMIT",
  "LEVERAGE_LIMIT",
  "DAILY_LOSS_LIMIT",
  "VAR_LIMIT",
] as const;

export type PreTradeRejectionCode = (typeof preTradeRejectionCodes)[number];

/** What each code means, for the API documentation. */
export const preTradeRejectionDescriptions: Readonly<Record<PreTradeRejectionCode, string>> = Object.freeze({
  TRADING_HALTED: "The portfolio's trading state is HALTED (kill switch): no order passes.",
  THROTTLED: "The client sent more messages than its throttle allows in the sliding window.",
  DUPLICATE_ORDER:
    "The order repeats one accepted within the duplicate window: the same order id, or the same client, symbol, side, quantity and price.",
  PRICE_COLLAR:
    "The order's price is further from the last price than the price collar allows (or no last price is known).",
  REDUCE_ONLY: "The portfolio's trading state is REDUCING: only orders that reduce a position pass.",
  MAX_ORDER_QUANTITY: "The order's quantity is above the maximum for one order.",
  MAX_ORDER_VALUE: "The order's value (quantity × price) is above the maximum for one order.",
  INSUFFICIENT_CASH: "A BUY costs more than the cash not committed to pending orders.",
  INSUFFICIENT_POSITION: "A SELL is larger than the shares held and not committed to pending sells (no short selling).",
  CONCENTRATION_LIMIT: "The position would exceed the single-position limit, as a share of total value.",
  SECTOR_LIMIT: "The symbol's sector would exceed the sector limit, as a share of total value.",
  LEVERAGE_LIMIT: "Gross exposure over equity would exceed the leverage limit.",
  DAILY_LOSS_LIMIT: "The day's loss is beyond the daily loss limit: no new buying today.",
  VAR_LIMIT: "The portfolio's 1-day 95% VaR would exceed its limit (or, already above it, increase).",
});

/** The checks reported, by name; `position_limit` and `concentration` keep the v1 (and spec) names. */
export const preTradeCheckNames = [
  "trading_state",
  "throttle",
  "duplicate",
  "price_collar",
  "order_quantity",
  "order_value",
  "sufficiency",
  "position_limit",
  "concentration",
  "leverage",
  "daily_loss_limit",
  "var_limit",
] as const;

export type PreTradeCheckName = (typeof preTradeCheckNames)[number];

/** `not_evaluated`: the context did not give what the check needs (no VaR estimate, no throttle state...). */
export type PreTradeCheckStatus = "pass" | "fail" | "not_evaluated";

const checkOf: Readonly<Record<PreTradeRejectionCode, PreTradeCheckName>> = {
  TRADING_HALTED: "trading_state",
  REDUCE_ONLY: "trading_state",
  THROTTLED: "throttle",
  DUPLICATE_ORDER: "duplicate",
  PRICE_COLLAR: "price_collar",
  MAX_ORDER_QUANTITY: "order_quantity",
  MAX_ORDER_VALUE: "order_value",
  INSUFFICIENT_CASH: "sufficiency",
  INSUFFICIENT_POSITION: "sufficiency",
  CONCENTRATION_LIMIT: "position_limit",
  SECTOR_LIMIT: "concentration",
  LEVERAGE_LIMIT: "leverage",
  DAILY_LOSS_LIMIT: "daily_loss_limit",
  VAR_LIMIT: "var_limit",
};

/** A proposed order, as it reaches the risk manager. */
export const preTradeProposalSchema = z.strictObject({
  symbol: z.string().trim().min(1).max(32),
  side: z.enum(["BUY", "SELL"]),
  /** Whole shares, at least 1. */
  quantity: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** The price the order is expected at (the spec's `estimated_price`). */
  price: z.number().positive().finite(),
  /** The client sending it, for the throttle and duplicate detection. */
  clientId: z.string().min(1).max(200).optional(),
  /** The client's id for the order, for duplicate detection. */
  orderId: z.string().min(1).max(200).optional(),
});

export type PreTradeProposal = z.output<typeof preTradeProposalSchema>;

/**
 * The portfolio's 1-day 95% VaR, in the base currency, of the exposures given: symbol → market
 * value after the trade (every symbol held or with a pending BUY, the traded one included). It
 * must be quasi-convex along one symbol's exposure for `allowed_quantity` to be the true maximum
 * under the VaR limit: parametric (delta-normal) VaR, z·√(vᵀΣv), is convex in v; historical
 * simulation's quantile need not be, and then the answer is the end of the first passing run of
 * quantities. The map is only valid during the call (the check reuses it).
 *
 * `along`, optional, is the same estimate as a function of one symbol's exposure with the others
 * fixed: a check evaluates the VaR along that line only (before, after, and the bisection behind
 * `allowed_quantity`), so an estimator that can restrict itself to the line once makes every
 * evaluation cheap. It must agree with the whole-map call.
 */
export interface VarEstimator {
  (exposures: ReadonlyMap<string, number>): number;
  along?(others: ReadonlyMap<string, number>, symbol: string): (exposure: number) => number;
}

/** The correlation of two symbols' returns, in [−1, 1]. */
export type CorrelationOf = (a: string, b: string) => number;

/** What the check needs besides the portfolio, the order and the limits. */
export interface PreTradeContext {
  readonly tradingState: TradingStateName;
  /** The symbol's last price, the collar's reference; absent, the collar refuses (fails closed). */
  readonly lastPrice?: number;
  /** Absent: the VaR limit is `not_evaluated`. */
  readonly varEstimate?: VarEstimator;
  /** Absent: `correlation_change` is null. */
  readonly correlation?: CorrelationOf;
  /** The throttle's answer for this message; absent: `not_evaluated`. */
  readonly throttle?: ThrottleDecision;
  /** Whether this message repeats an accepted one; absent: `not_evaluated`. */
  readonly duplicate?: DuplicateCheck;
  /** Approved orders not filled yet (see `ReservationBook`); absent: none. */
  readonly reserved?: ReservedExposure;
}

export interface PreTradeRejection {
  readonly code: PreTradeRejectionCode;
  readonly message: string;
  readonly limit: number;
  readonly proposed: number;
}

/**
 * The check's answer, snake_case as on the wire: the spec's approved (`risk_assessment`) and
 * rejected (`rejection_reasons`, `allowed_quantity`) parts, both always filled in.
 */
export interface PreTradeResult {
  readonly approved: boolean;
  readonly warnings: readonly string[];
  readonly checks: Readonly<Record<PreTradeCheckName, PreTradeCheckStatus>>;
  readonly rejection_reasons: readonly PreTradeRejection[];
  /** The largest whole quantity of this order (side, symbol, price) that passes every control; 0 if none. */
  readonly allowed_quantity: number;
  readonly risk_assessment: {
    /** The symbol's exposure after the trade, pending BUYs included (see `ReservedExposure`). */
    readonly position_after_trade: {
      readonly quantity: number;
      readonly market_value: number;
      readonly pct_portfolio: number;
    };
    readonly portfolio_impact: {
      /** pct_portfolio after the trade minus before it. */
      readonly concentration_increase: number;
      /** VaR after minus before, in the base currency; null without a VaR estimate. */
      readonly var_increase: number | null;
      readonly var_after: number | null;
      /** Change of the exposure-weighted mean pairwise correlation; null without correlations. */
      readonly correlation_change: number | null;
    };
    /** Each measure after the trade over its limit (1 = at the limit). */
    readonly limit_utilization: {
      readonly position_size: number;
      readonly sector_exposure: number;
      readonly leverage: number;
      readonly daily_loss: number;
      readonly var: number | null;
      readonly order_value: number;
      readonly order_quantity: number;
    };
  };
  readonly limits_version: number;
  readonly trading_state: TradingStateName;
}

/** The VaR estimate was not a finite, non-negative number: the risk manager cannot decide. */
export class RiskEstimateError extends Error {
  override readonly name = "RiskEstimateError";
}

/**
 * The portfolio around the order's symbol at the order's price, independent of the quantity.
 * The symbol's holding is valued at the order price, as booking the fill would value it, so the
 * check judges exactly the state the trade would leave; with pending BUYs counted at their cost,
 * the total value T depends on neither the quantity nor the reservations.
 */
interface Book {
  readonly side: TradeSide;
  readonly price: number;
  /** Shares of the symbol held (booked). */
  readonly held: number;
  /** Shares of the symbol the portfolio may still sell: held minus pending SELLs. */
  readonly sellable: number;
  /** Cash not committed to pending BUYs. */
  readonly cashAvailable: number;
  readonly reservedCash: number;
  readonly pendingBuyQuantity: number;
  readonly pendingBuyCost: number;
  readonly pendingSellQuantity: number;
  readonly total: number;
  readonly sector: string | undefined;
  /** Exposure of the sector's other symbols. */
  readonly sectorOthers: number;
  /** Gross exposure of the other symbols. */
  readonly grossOthers: number;
  readonly dailyLoss: number;
  /** Exposure of every other symbol, for VaR and correlations; null when neither is asked for. */
  readonly others: ReadonlyMap<string, number> | null;
}

function readBook(
  view: RiskPortfolioView,
  proposal: PreTradeProposal,
  reserved: ReservedExposure | undefined,
  needOthers: boolean,
): Book {
  const { symbol, price, side } = proposal;
  const sector = view.sectorOf(symbol);
  const buySymbols = reserved === undefined ? [] : [...reserved.buySymbols()];
  const seen = buySymbols.length > 0 ? new Set<string>() : null;
  const others = needOthers ? new Map<string, number>() : null;
  let total = view.cash;
  let held = 0;
  let sectorOthers = 0;
  let grossOthers = 0;
  const other = (name: string, value: number): void => {
    grossOthers += Math.abs(value);
    if (sector !== undefined && view.sectorOf(name) === sector) sectorOthers += value;
    others?.set(name, value);
  };
  for (const holding of view.holdings()) {
    seen?.add(holding.symbol);
    if (holding.symbol === symbol) {
      held = holding.quantity;
      total += holding.quantity * price;
      continue;
    }
    const value = holding.quantity * holding.lastPrice;
    total += value;
    other(holding.symbol, reserved === undefined ? value : value + reserved.buyCost(holding.symbol));
  }
  for (const name of buySymbols) {
    if (name !== symbol && !seen?.has(name)) other(name, reserved?.buyCost(name) ?? 0);
  }
  if (!(total > 0)) {
    throw new RangeError(`the portfolio's total value must be positive to measure limits against, got ${total}`);
  }
  const dayOpen = view.dayOpenValue;
  const reservedCash = reserved?.cash ?? 0;
  const pendingSellQuantity = reserved?.sellQuantity(symbol) ?? 0;
  return {
    side,
    price,
    held,
    sellable: held - pendingSellQuantity,
    cashAvailable: view.cash - reservedCash,
    reservedCash,
    pendingBuyQuantity: reserved?.buyQuantity(symbol) ?? 0,
    pendingBuyCost: reserved?.buyCost(symbol) ?? 0,
    pendingSellQuantity,
    total,
    sector,
    sectorOthers,
    grossOthers,
    dailyLoss: dayOpen > 0 ? Math.max(0, (dayOpen - total) / dayOpen) : 0,
    others,
  };
}

/** The symbol's exposure after trading `quantity`: (held ± quantity) × price + pending BUYs' cost. */
function exposureAfter(b: Book, quantity: number): number {
  return (b.side === "BUY" ? b.held + quantity : b.held - quantity) * b.price + b.pendingBuyCost;
}

/** The controls that depend on the quantity, each monotone: what passes at q passes at every smaller q. */
interface QuantityControls {
  readonly orderQuantity: boolean;
  readonly orderValue: boolean;
  readonly sufficiency: boolean;
  readonly reduceOnly: boolean;
  readonly position: boolean;
  readonly sector: boolean;
  readonly leverage: boolean;
}

function quantityControls(b: Book, quantity: number, limits: RiskLimitSet, state: TradingStateName): QuantityControls {
  const value = quantity * b.price;
  const buy = b.side === "BUY";
  const after = exposureAfter(b, quantity);
  return {
    orderQuantity: quantity <= limits.maxOrderQuantity,
    orderValue: value <= limits.maxOrderValue,
    sufficiency: buy ? value <= b.cashAvailable : quantity <= b.sellable,
    reduceOnly: state !== "REDUCING" || quantity <= reduceOnlyQuantity(b.held, b.side),
    // A SELL only shrinks the position, its sector and the gross exposure (T does not move).
    position: !buy || after <= limits.maxPositionShare * b.total,
    sector: !buy || b.sector === undefined || b.sectorOthers + after <= limits.maxSectorShare * b.total,
    leverage: !buy || b.grossOthers + after <= limits.maxLeverage * b.total,
  };
}

function passesQuantityControls(b: Book, quantity: number, limits: RiskLimitSet, state: TradingStateName): boolean {
  const c = quantityControls(b, quantity, limits, state);
  return c.orderQuantity && c.orderValue && c.sufficiency && c.reduceOnly && c.position && c.sector && c.leverage;
}

/** The controls no quantity can satisfy once failed: they depend on the message, not its size. */
interface MessageControls {
  readonly halted: boolean;
  readonly throttled: boolean;
  readonly duplicate: boolean;
  /** Whether the price is within the collar of the last price. */
  readonly collar: boolean;
  /** Whether the day's loss allows the order (a SELL always passes). */
  readonly dailyLoss: boolean;
}

function messageControls(b: Book, limits: RiskLimitSet, context: PreTradeContext): MessageControls {
  const last = context.lastPrice;
  return {
    halted: context.tradingState === "HALTED",
    throttled: context.throttle !== undefined && !context.throttle.allowed,
    duplicate: context.duplicate?.duplicate === true,
    collar: last !== undefined && Math.abs(b.price - last) <= limits.priceCollar * last,
    dailyLoss: b.side === "SELL" || b.dailyLoss <= limits.maxDailyLossShare,
  };
}

/**
 * The VaR with the symbol's exposure set to a given value, via the estimator. One map serves
 * every evaluation of a check (only the symbol's entry changes), which is why estimators must
 * not keep it.
 */
function varAtExposure(b: Book, symbol: string, estimate: VarEstimator): (exposure: number) => number {
  const exposures = new Map(b.others);
  const along = estimate.along?.(exposures, symbol);
  return (exposure) => {
    let value: number;
    if (along === undefined) {
      exposures.set(symbol, exposure);
      value = estimate(exposures);
    } else {
      value = along(exposure);
    }
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new RiskEstimateError(`the VaR estimate must be a finite number ≥ 0, got ${value}`);
    }
    return value;
  };
}

/**
 * The change of the exposure-weighted mean correlation over pairs of distinct symbols (0 with
 * fewer than two) when `symbol`'s exposure goes from `before` to `after`, the others fixed. The
 * pairs among the others weigh the same either side, so they are summed once: the mean at
 * exposure x is (P + |x|·R) / (W + |x|·E), P and W over the others' pairs, R and E over the
 * symbol's pairs per unit of its exposure.
 */
function correlationChangeOf(
  others: ReadonlyMap<string, number>,
  symbol: string,
  before: number,
  after: number,
  correlation: CorrelationOf,
): number {
  const names: string[] = [];
  const weights: number[] = [];
  for (const [name, exposure] of others) {
    if (name === symbol) continue;
    names.push(name);
    weights.push(Math.abs(exposure));
  }
  let pairs = 0;
  let pairWeights = 0;
  let own = 0;
  let ownWeights = 0;
  for (let i = 0; i < names.length; i++) {
    const a = names[i] as string;
    const wa = weights[i] ?? 0;
    own += wa * correlation(symbol, a);
    ownWeights += wa;
    for (let j = i + 1; j < names.length; j++) {
      const w = wa * (weights[j] ?? 0);
      pairs += w * correlation(a, names[j] as string);
      pairWeights += w;
    }
  }
  const mean = (exposure: number): number => {
    const x = Math.abs(exposure);
    const total = pairWeights + x * ownWeights;
    return total > 0 ? (pairs + x * own) / total : 0;
  };
  return mean(after) - mean(before);
}

/**
 * The largest passing quantity. The quantity controls are monotone, so their passing quantities
 * are 0..Q with Q the smallest of their closed-form bounds:
 *   order quantity  maxOrderQuantity                 order value  ⌊maxOrderValue / P⌋
 *   BUY  cash       ⌊(cash − reserved) / P⌋          SELL  held − pending sells
 *        position   ⌊(s·T − c) / P − h⌋              REDUCING: BUY 0, SELL h
 *        sector     ⌊(S·T − others − c) / P − h⌋
 *        leverage   ⌊(L·T − gross others − c) / P − h⌋
 * (h held, c pending BUYs' cost). Floors of quotients can land one off the products the controls
 * compare, so Q is then moved to the exact boundary of `passesQuantityControls`. Under a VaR limit
 * the passing quantities are an interval from 0 when the VaR is quasi-convex in the quantity
 * (see `VarEstimator`), so bisection over [0, Q] finds its end.
 */
function allowedQuantity(
  b: Book,
  limits: RiskLimitSet,
  context: PreTradeContext,
  message: MessageControls,
  varPasses: ((exposure: number) => boolean) | null,
  proposed: { readonly quantity: number; readonly varOk: boolean },
): number {
  if (message.halted || message.throttled || message.duplicate || !message.collar || !message.dailyLoss) return 0;
  const { price } = b;
  const bounds = [limits.maxOrderQuantity, Math.floor(limits.maxOrderValue / price)];
  if (context.tradingState === "REDUCING") bounds.push(reduceOnlyQuantity(b.held, b.side));
  if (b.side === "SELL") {
    bounds.push(b.sellable);
  } else {
    const room = (cap: number): number => Math.floor((cap - b.pendingBuyCost) / price - b.held);
    bounds.push(Math.floor(b.cashAvailable / price));
    bounds.push(room(limits.maxPositionShare * b.total));
    bounds.push(room(limits.maxLeverage * b.total - b.grossOthers));
    if (b.sector !== undefined) bounds.push(room(limits.maxSectorShare * b.total - b.sectorOthers));
  }
  const state = context.tradingState;
  let quantity = Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.min(...bounds)));
  if (Number.isNaN(quantity)) quantity = 0;
  while (quantity < Number.MAX_SAFE_INTEGER && passesQuantityControls(b, quantity + 1, limits, state)) quantity += 1;
  while (quantity > 0 && !passesQuantityControls(b, quantity, limits, state)) quantity -= 1;
  if (varPasses === null || quantity === 0 || varPasses(exposureAfter(b, quantity))) return quantity;
  // varPasses(exposure at 0) holds: the VaR before the trade is within max(limit, itself). The
  // order's own quantity, already judged, narrows the bracket.
  let lo = 0;
  let hi = quantity;
  if (proposed.quantity < hi) {
    if (proposed.varOk) lo = proposed.quantity;
    else hi = proposed.quantity;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (varPasses(exposureAfter(b, mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Throws a RangeError unless the proposal is well formed (what `checkPreTrade` requires). */
export function assertPreTradeProposal(proposal: PreTradeProposal): void {
  const { symbol, quantity, price, side } = proposal;
  if (typeof symbol !== "string" || symbol.length === 0) throw new RangeError("symbol must be a non-empty string");
  if (side !== "BUY" && side !== "SELL") throw new RangeError(`side must be BUY or SELL, got ${String(side)}`);
  if (!Number.isSafeInteger(quantity) || quantity < 1) {
    throw new RangeError(`quantity must be a positive whole number of shares, got ${quantity}`);
  }
  if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;
const money = (amount: number): string => amount.toFixed(2);

/**
 * The pre-trade check v2: one order against the portfolio, its limits and the context (trading
 * state, last price, VaR estimate, throttle and duplicate state, approved orders not yet filled).
 * Pure: the same inputs always give the same answer; it reserves nothing (see `PreTradeGate`).
 *
 * With T the total value (the symbol's holding at the order's price P, pending BUYs counted at
 * cost), X(q) = (h ± q)·P + c the symbol's exposure after trading q, an order of q passes when:
 * - the state is not HALTED, and in REDUCING q ≤ what reduces the position without reversing it;
 * - the throttle admitted the message and it repeats no accepted order;
 * - |P − last| ≤ collar × last;
 * - q ≤ maxOrderQuantity and q·P ≤ maxOrderValue;
 * - a BUY costs at most the uncommitted cash, a SELL is at most the uncommitted shares;
 * - for a BUY: X(q) ≤ s·T, sector others + X(q) ≤ S·T (when the sector is known), gross others +
 *   X(q) ≤ L·T, and the day's loss (dayOpen − T) / dayOpen ≤ the daily loss limit. A SELL never
 *   increases any of these, so it passes them whatever the portfolio's state;
 * - VaR(after) ≤ max(VaR limit, VaR(before)): a trade may not take the VaR above its limit, nor
 *   raise it while it is above (so de-risking is never blocked). The limit is a currency amount,
 *   or a share of T.
 * Leverage: positions are long only and paid in cash (as `Portfolio` books them), so leverage
 * stays ≤ 1 unless the view's cash is negative (a margin state given through an override); the
 * limit is checked all the same, and binds with a limit below 1.
 *
 * Throws a RangeError on a malformed proposal or a portfolio of no positive value, and a
 * RiskEstimateError when the VaR estimate is not a finite number.
 */
export function checkPreTrade(
  view: RiskPortfolioView,
  proposal: PreTradeProposal,
  limits: RiskLimitSet,
  context: PreTradeContext,
): PreTradeResult {
  assertPreTradeProposal(proposal);
  const { symbol, side, quantity, price } = proposal;
  const estimate = context.varEstimate;
  const b = readBook(view, proposal, context.reserved, estimate !== undefined || context.correlation !== undefined);
  const q = quantityControls(b, quantity, limits, context.tradingState);
  const m = messageControls(b, limits, context);
  const { total } = b;

  const before = exposureAfter(b, 0);
  const after = exposureAfter(b, quantity);
  const varCap = limits.maxVar95.basis === "currency" ? limits.maxVar95.value : limits.maxVar95.value * total;
  const varOf = estimate === undefined ? null : varAtExposure(b, symbol, estimate);
  const varBefore = varOf === null ? null : varOf(before);
  const varCeiling = varBefore === null ? 0 : Math.max(varCap, varBefore);
  const varPasses = varOf === null ? null : (exposure: number) => varOf(exposure) <= varCeiling;
  const varAfter = varOf === null ? null : varOf(after);
  const varOk = varAfter === null || varAfter <= varCeiling;

  const shareAfter = after / total;
  const sectorShareAfter = b.sector === undefined ? 0 : (b.sectorOthers + Math.max(0, after)) / total;
  const leverageAfter = (b.grossOthers + Math.abs(after)) / total;
  const orderValue = quantity * price;

  const reasons: PreTradeRejection[] = [];
  const refuse = (code: PreTradeRejectionCode, message: string, limit: number, proposed: number): void => {
    reasons.push({ code, message, limit, proposed });
  };
  if (m.halted) refuse("TRADING_HALTED", "Trading is HALTED for this portfolio: no order passes", 0, quantity);
  if (m.throttled && context.throttle !== undefined) {
    const t = context.throttle;
    if (t.reason === "capacity") {
      refuse("THROTTLED", `Too many clients are sending orders; retry in ${Math.ceil(t.retryAfterMs)} ms`, t.limit, 1);
    } else if (t.reason === "open_orders") {
      refuse(
        "THROTTLED",
        `${t.inWindow} approved orders are awaiting fills, the most allowed`,
        t.limit,
        t.inWindow + 1,
      );
    } else {
      refuse(
        "THROTTLED",
        `Client ${proposal.clientId ?? "(anonymous)"} has sent ${t.inWindow} messages in the last ${t.perMs} ms, the limit is ${t.limit}; retry in ${Math.ceil(t.retryAfterMs)} ms`,
        t.limit,
        t.inWindow + 1,
      );
    }
  }
  if (context.duplicate?.duplicate === true) {
    const d = context.duplicate;
    refuse(
      "DUPLICATE_ORDER",
      `Repeats an order accepted ${d.ageMs} ms ago (${d.by === "order_id" ? `order id ${proposal.orderId ?? ""}` : "same client, symbol, side, quantity and price"}), within the ${d.windowMs} ms duplicate window`,
      d.windowMs,
      d.ageMs,
    );
  }
  if (!m.collar) {
    const last = context.lastPrice;
    if (last === undefined) {
      // An unknown reference counts as a 100% deviation: the collar fails closed.
      refuse("PRICE_COLLAR", `No last price for ${symbol} to check the price collar against`, limits.priceCollar, 1);
    } else {
      const deviation = Math.abs(price - last) / last;
      refuse(
        "PRICE_COLLAR",
        `Price ${price} is ${percent(deviation)} from the last price ${last}, beyond the ${percent(limits.priceCollar)} collar`,
        limits.priceCollar,
        deviation,
      );
    }
  }
  if (!q.reduceOnly) {
    const max = reduceOnlyQuantity(b.held, side);
    refuse(
      "REDUCE_ONLY",
      side === "BUY"
        ? `The portfolio is REDUCING: only orders that reduce a position pass, and a BUY of ${symbol} does not`
        : `The portfolio is REDUCING: at most the ${max} ${symbol} held may be sold`,
      max,
      quantity,
    );
  }
  if (!q.orderQuantity) {
    refuse(
      "MAX_ORDER_QUANTITY",
      `Order of ${quantity} shares exceeds the ${limits.maxOrderQuantity} shares allowed per order`,
      limits.maxOrderQuantity,
      quantity,
    );
  }
  if (!q.orderValue) {
    refuse(
      "MAX_ORDER_VALUE",
      `Order value ${money(orderValue)} exceeds the ${money(limits.maxOrderValue)} allowed per order`,
      limits.maxOrderValue,
      orderValue,
    );
  }
  if (!q.sufficiency) {
    if (side === "BUY") {
      const committed = b.reservedCash > 0 ? ` (${money(b.reservedCash)} is committed to pending orders)` : "";
      refuse(
        "INSUFFICIENT_CASH",
        `Trade costs ${money(orderValue)} but only ${money(b.cashAvailable)} cash is available${committed}`,
        b.cashAvailable,
        orderValue,
      );
    } else {
      const committed = b.pendingSellQuantity > 0 ? `, ${b.pendingSellQuantity} of them in pending sells` : "";
      refuse(
        "INSUFFICIENT_POSITION",
        `Cannot sell ${quantity} ${symbol}: ${b.held} held${committed}, and short selling is not allowed`,
        b.sellable,
        quantity,
      );
    }
  }
  if (!q.position) {
    refuse(
      "CONCENTRATION_LIMIT",
      `Trade would exceed ${percent(limits.maxPositionShare)} single-position limit (proposed: ${percent(shareAfter)})`,
      limits.maxPositionShare,
      shareAfter,
    );
  }
  if (!q.sector) {
    refuse(
      "SECTOR_LIMIT",
      `Trade would take the ${b.sector ?? ""} sector to ${percent(sectorShareAfter)}, above its ${percent(limits.maxSectorShare)} limit`,
      limits.maxSectorShare,
      sectorShareAfter,
    );
  }
  if (!q.leverage) {
    refuse(
      "LEVERAGE_LIMIT",
      `Trade would take leverage (gross exposure / equity) to ${leverageAfter.toFixed(3)}, above the ${limits.maxLeverage} limit`,
      limits.maxLeverage,
      leverageAfter,
    );
  }
  if (!m.dailyLoss) {
    refuse(
      "DAILY_LOSS_LIMIT",
      `The day's loss is ${percent(b.dailyLoss)}, beyond the ${percent(limits.maxDailyLossShare)} daily loss limit: no new buying today`,
      limits.maxDailyLossShare,
      b.dailyLoss,
    );
  }
  if (!varOk && varAfter !== null && varBefore !== null) {
    refuse(
      "VAR_LIMIT",
      varBefore > varCap
        ? `The 1-day 95% VaR is ${money(varBefore)}, above its ${money(varCap)} limit, and the trade would raise it to ${money(varAfter)}`
        : `Trade would take the 1-day 95% VaR to ${money(varAfter)}, above its ${money(varCap)} limit`,
      varCap,
      varAfter,
    );
  }

  const warnings: string[] = [];
  if (shareAfter > limits.positionWarnShare) {
    warnings.push(
      `Position in ${symbol} would be ${percent(shareAfter)} of the portfolio, above the ${percent(limits.positionWarnShare)} alert threshold`,
    );
  }
  if (sectorShareAfter > limits.sectorWarnShare) {
    warnings.push(
      `Sector ${b.sector ?? ""} would be ${percent(sectorShareAfter)} of the portfolio, above the ${percent(limits.sectorWarnShare)} alert threshold`,
    );
  }

  const checks = Object.fromEntries(preTradeCheckNames.map((name) => [name, "pass"])) as Record<
    PreTradeCheckName,
    PreTradeCheckStatus
  >;
  if (context.throttle === undefined) checks.throttle = "not_evaluated";
  if (context.duplicate === undefined) checks.duplicate = "not_evaluated";
  if (estimate === undefined) checks.var_limit = "not_evaluated";
  for (const reason of reasons) checks[checkOf[reason.code]] = "fail";

  let correlationChange: number | null = null;
  if (context.correlation !== undefined && b.others !== null) {
    correlationChange = correlationChangeOf(b.others, symbol, before, after, context.correlation);
  }

  return {
    approved: reasons.length === 0,
    warnings,
    checks,
    rejection_reasons: reasons,
    allowed_quantity: allowedQuantity(b, limits, context, m, varPasses, { quantity, varOk }),
    risk_assessment: {
      position_after_trade: {
        quantity: (side === "BUY" ? b.held + quantity : b.held - quantity) + b.pendingBuyQuantity,
        market_value: after,
        pct_portfolio: shareAfter,
      },
      portfolio_impact: {
        concentration_increase: (after - before) / total,
        var_increase: varAfter === null || varBefore === null ? null : varAfter - varBefore,
        var_after: varAfter,
        correlation_change: correlationChange,
      },
      limit_utilization: {
        position_size: shareAfter / limits.maxPositionShare,
        sector_exposure: sectorShareAfter / limits.maxSectorShare,
        leverage: leverageAfter / limits.maxLeverage,
        daily_loss: b.dailyLoss / limits.maxDailyLossShare,
        var: varAfter === null ? null : varAfter / varCap,
        order_value: orderValue / limits.maxOrderValue,
        order_quantity: quantity / limits.maxOrderQuantity,
      },
    },
    limits_version: limits.version,
    trading_state: context.tradingState,
  };
}
