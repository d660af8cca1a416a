import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { Prng } from "../random/prng";
import type { Holding, RiskPortfolioView, TradeSide } from "./portfolio";
import {
  checkPreTrade,
  type PreTradeContext,
  type PreTradeRejectionCode,
  preTradeRejectionCodes,
  type VarEstimator,
} from "./pre-trade-check";
import { ReservationBook } from "./reservations";
import { type RiskLimitSet, riskLimitSetSchema } from "./risk-limits";
import type { TradingStateName } from "./trading-state";

const symbols = ["S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7"] as const;
const Z95 = 1.6448536269514722;

interface PendingOrder {
  readonly symbol: string;
  readonly side: TradeSide;
  readonly quantity: number;
  readonly price: number;
}

/** Everything one trial decides: the portfolio, pending orders, limits, context and the order. */
interface Trial {
  readonly cash: number;
  readonly dayOpen: number;
  readonly holdings: readonly Holding[];
  readonly sectors: ReadonlyMap<string, string>;
  readonly pending: readonly PendingOrder[];
  readonly limits: RiskLimitSet;
  readonly state: TradingStateName;
  readonly lastPrice: number | undefined;
  readonly throttled: boolean;
  readonly duplicate: boolean;
  readonly varOf: VarEstimator | undefined;
  readonly symbol: string;
  readonly side: TradeSide;
  readonly price: number;
}

/**
 * Parametric VaR z·√(xᵀΣx) with Σ = FFᵀ + D from two factors whose loadings take both signs, so
 * some symbols hedge others and the VaR can fall before it rises as a position grows. It reads
 * the exposures by a fixed symbol order, so the order of the map given does not matter.
 */
function parametricVar(prng: Prng): VarEstimator {
  const loadings = symbols.map(() => [(prng.next() * 2 - 1) * 0.02, (prng.next() * 2 - 1) * 0.015]);
  const idiosyncratic = symbols.map(() => (0.002 + prng.next() * 0.01) ** 2);
  return (exposures) => {
    const x = symbols.map((symbol) => exposures.get(symbol) ?? 0);
    let factor0 = 0;
    let factor1 = 0;
    let own = 0;
    for (let i = 0; i < symbols.length; i++) {
      const xi = x[i] ?? 0;
      const [f0 = 0, f1 = 0] = loadings[i] ?? [];
      factor0 += xi * f0;
      factor1 += xi * f1;
      own += xi * xi * (idiosyncratic[i] ?? 0);
    }
    return Z95 * Math.sqrt(factor0 * factor0 + factor1 * factor1 + own);
  };
}

const uniform = (prng: Prng, low: number, high: number): number => low + prng.next() * (high - low);
const cents = (x: number): number => Math.round(x * 100) / 100;

function randomTrial(prng: Prng): Trial {
  const sectorNames = ["tech", "energy", "utilities"];
  const sectors = new Map<string, string>();
  for (const symbol of symbols) {
    const pick = prng.int(4);
    if (pick < 3) sectors.set(symbol, sectorNames[pick] as string);
  }
  const holdings: Holding[] = [];
  for (const symbol of symbols) {
    if (prng.next() < 0.55) {
      holdings.push({ symbol, quantity: 1 + prng.int(400), lastPrice: cents(uniform(prng, 5, 200)) });
    }
  }
  const cash = prng.next() < 0.05 ? cents(uniform(prng, -5_000, 0)) : cents(uniform(prng, 0, 100_000));
  const pending: PendingOrder[] = [];
  if (prng.next() < 0.4) {
    const sold = new Map<string, number>();
    for (let n = prng.int(5); n > 0; n--) {
      const symbol = symbols[prng.int(symbols.length)] as string;
      const holding = holdings.find((h) => h.symbol === symbol);
      const free = (holding?.quantity ?? 0) - (sold.get(symbol) ?? 0);
      if (holding !== undefined && free > 0 && prng.next() < 0.4) {
        const quantity = 1 + prng.int(free);
        sold.set(symbol, (sold.get(symbol) ?? 0) + quantity);
        pending.push({ symbol, side: "SELL", quantity, price: holding.lastPrice });
      } else {
        pending.push({ symbol, side: "BUY", quantity: 1 + prng.int(150), price: cents(uniform(prng, 5, 200)) });
      }
    }
  }
  const invested = holdings.reduce((sum, h) => sum + h.quantity * h.lastPrice, 0);
  const dayOpen = (cash + invested) * uniform(prng, 0.975, 1.04);

  const varOf = prng.next() < 0.65 ? parametricVar(prng) : undefined;
  // A currency VaR limit near the book's VaR now, so that it binds as often as the other limits.
  const exposuresNow = new Map<string, number>();
  for (const h of holdings) exposuresNow.set(h.symbol, h.quantity * h.lastPrice);
  for (const o of pending) {
    if (o.side === "BUY") exposuresNow.set(o.symbol, (exposuresNow.get(o.symbol) ?? 0) + o.quantity * o.price);
  }
  const varNow = varOf?.(exposuresNow) ?? 1_000;

  const maxPositionShare = uniform(prng, 0.05, 0.6);
  const maxSectorShare = uniform(prng, 0.1, 1);
  const limits = riskLimitSetSchema.parse({
    version: 1 + prng.int(9),
    maxPositionShare,
    positionWarnShare: maxPositionShare * uniform(prng, 0.5, 1),
    maxSectorShare,
    sectorWarnShare: maxSectorShare * 0.9,
    maxLeverage: uniform(prng, 0.3, 1.6),
    maxDailyLossShare: uniform(prng, 0.005, 0.05),
    maxVar95:
      prng.next() < 0.5
        ? { basis: "share", value: uniform(prng, 0.004, 0.08) }
        : { basis: "currency", value: Math.max(50, varNow) * uniform(prng, 0.9, 2) },
    maxOrderValue: uniform(prng, 1_000, 150_000),
    maxOrderQuantity: 1 + prng.int(4_000),
    priceCollar: uniform(prng, 0.01, 0.1),
  });

  const stateDraw = prng.next();
  const state: TradingStateName = stateDraw < 0.72 ? "ACTIVE" : stateDraw < 0.94 ? "REDUCING" : "HALTED";
  const side: TradeSide = prng.next() < 0.65 ? "BUY" : "SELL";
  // SELLs mostly of something held, so the position bounds are exercised.
  const heldSymbols = holdings.map((h) => h.symbol);
  const symbol =
    side === "SELL" && heldSymbols.length > 0 && prng.next() < 0.85
      ? (heldSymbols[prng.int(heldSymbols.length)] as string)
      : (symbols[prng.int(symbols.length)] as string);
  const mark = holdings.find((h) => h.symbol === symbol)?.lastPrice ?? cents(uniform(prng, 5, 200));
  const lastPrice = prng.next() < 0.08 ? undefined : mark;
  const price = cents(mark * (prng.next() < 0.1 ? uniform(prng, 0.88, 1.12) : uniform(prng, 0.985, 1.015)));
  return {
    cash,
    dayOpen,
    holdings,
    sectors,
    pending,
    limits,
    state,
    lastPrice,
    throttled: prng.next() < 0.04,
    duplicate: prng.next() < 0.04,
    varOf,
    symbol,
    side,
    price: Math.max(0.01, price),
  };
}

/**
 * The rules of `checkPreTrade` restated from its documentation, from the raw trial: for a
 * quantity, the codes that refuse it. Nothing here calls the implementation.
 */
function independentRules(t: Trial): (quantity: number) => Set<PreTradeRejectionCode> {
  const { symbol, side, price: p, limits } = t;
  const buyCost = new Map<string, number>();
  const buySymbolsInOrder: string[] = [];
  let reservedCash = 0;
  let pendingSells = 0;
  for (const order of t.pending) {
    if (order.side === "BUY") {
      const cost = order.quantity * order.price;
      if (!buyCost.has(order.symbol)) buySymbolsInOrder.push(order.symbol);
      buyCost.set(order.symbol, (buyCost.get(order.symbol) ?? 0) + cost);
      reservedCash += cost;
    } else if (order.symbol === symbol) {
      pendingSells += order.quantity;
    }
  }
  let total = t.cash;
  let held = 0;
  const exposures = new Map<string, number>();
  for (const h of t.holdings) {
    if (h.symbol === symbol) {
      held = h.quantity;
      total += h.quantity * p;
    } else {
      total += h.quantity * h.lastPrice;
      exposures.set(h.symbol, h.quantity * h.lastPrice + (buyCost.get(h.symbol) ?? 0));
    }
  }
  for (const name of buySymbolsInOrder) {
    if (name !== symbol && !exposures.has(name)) exposures.set(name, buyCost.get(name) ?? 0);
  }
  const sector = t.sectors.get(symbol);
  let sectorOthers = 0;
  let grossOthers = 0;
  for (const [name, value] of exposures) {
    grossOthers += Math.abs(value);
    if (sector !== undefined && t.sectors.get(name) === sector) sectorOthers += value;
  }
  const ownPending = buyCost.get(symbol) ?? 0;
  const exposureOf = (q: number): number => (side === "BUY" ? held + q : held - q) * p + ownPending;
  const varWith = (exposure: number): number => t.varOf?.(new Map(exposures).set(symbol, exposure)) ?? 0;
  const varCap = limits.maxVar95.basis === "currency" ? limits.maxVar95.value : limits.maxVar95.value * total;
  const varCeiling = Math.max(varCap, varWith(exposureOf(0)));
  const loss = t.dayOpen > 0 ? Math.max(0, (t.dayOpen - total) / t.dayOpen) : 0;

  return (quantity) => {
    const refused = new Set<PreTradeRejectionCode>();
    const x = exposureOf(quantity);

    if (t.state === "HALTED") refused.add("TRADING_HALTED");
    if (t.throttled) refused.add("THROTTLED");
    if (t.duplicate) refused.add("DUPLICATE_ORDER");
    if (t.lastPrice === undefined || Math.abs(p - t.lastPrice) > limits.priceCollar * t.lastPrice) {
      refused.add("PRICE_COLLAR");
    }
    if (t.state === "REDUCING" && quantity > (side === "SELL" ? Math.max(0, held) : 0)) refused.add("REDUCE_ONLY");
    if (quantity > limits.maxOrderQuantity) refused.add("MAX_ORDER_QUANTITY");
    if (quantity * p > limits.maxOrderValue) refused.add("MAX_ORDER_VALUE");
    if (side === "BUY") {
      if (quantity * p > t.cash - reservedCash) refused.add("INSUFFICIENT_CASH");
      if (x > limits.maxPositionShare * total) refused.add("CONCENTRATION_LIMIT");
      if (sector !== undefined && sectorOthers + x > limits.maxSectorShare * total) refused.add("SECTOR_LIMIT");
      if (grossOthers + x > limits.maxLeverage * total) refused.add("LEVERAGE_LIMIT");
      if (loss > limits.maxDailyLossShare) refused.add("DAILY_LOSS_LIMIT");
    } else if (quantity > held - pendingSells) {
      refused.add("INSUFFICIENT_POSITION");
    }
    if (t.varOf !== undefined && varWith(x) > varCeiling) refused.add("VAR_LIMIT");
    return refused;
  };
}

function implementationInputs(t: Trial): { view: RiskPortfolioView; context: PreTradeContext } {
  const reserved = new ReservationBook({ clock: new ManualClock(0), ttlMs: 60_000 });
  for (const order of t.pending) reserved.reserve(order);
  const view: RiskPortfolioView = {
    cash: t.cash,
    dayOpenValue: t.dayOpen,
    holdings: () => t.holdings,
    sectorOf: (symbol) => t.sectors.get(symbol),
  };
  const context: PreTradeContext = {
    tradingState: t.state,
    ...(t.lastPrice === undefined ? {} : { lastPrice: t.lastPrice }),
    ...(t.varOf === undefined ? {} : { varEstimate: t.varOf }),
    throttle: {
      allowed: !t.throttled,
      inWindow: t.throttled ? 100 : 3,
      limit: 100,
      perMs: 1_000,
      retryAfterMs: t.throttled ? 250 : 0,
      reason: t.throttled ? "rate" : null,
    },
    duplicate: t.duplicate ? { duplicate: true, by: "fingerprint", ageMs: 10, windowMs: 2_000 } : { duplicate: false },
    reserved,
  };
  return { view, context };
}

const sorted = (codes: Iterable<string>): string[] => [...codes].sort();

describe("checkPreTrade: allowed_quantity is the true maximum (brute force over random books)", () => {
  it("equals the largest quantity an independent statement of the rules passes, and agrees code by code", () => {
    const prng = Prng.fromSeed(20_251_126);
    const trials = 4_000;
    const binding = new Map<PreTradeRejectionCode, number>();
    const refusedWith = new Map<PreTradeRejectionCode, number>();
    let interior = 0;
    let searched = 0;
    let compared = 0;
    let hedged = 0;
    let varAlone = 0;
    for (let trial = 0; trial < trials; trial++) {
      const t = randomTrial(prng);
      const { view, context } = implementationInputs(t);
      // No quantity above maxOrderQuantity passes, so the search up to it is exhaustive.
      const independentlyRefused = independentRules(t);
      let bruteMax = 0;
      for (let q = 1; q <= t.limits.maxOrderQuantity; q++) {
        if (independentlyRefused(q).size === 0) bruteMax = q;
        searched += 1;
      }
      const at = (quantity: number) =>
        checkPreTrade(view, { symbol: t.symbol, side: t.side, quantity, price: t.price }, t.limits, context);
      const allowed = at(1).allowed_quantity;
      expect(allowed, `trial ${trial}`).toBe(bruteMax);

      const probes = new Set([1, allowed, allowed + 1, 1 + prng.int(t.limits.maxOrderQuantity + 5)]);
      for (const q of probes) {
        if (q < 1) continue;
        const result = at(q);
        const expected = independentlyRefused(q);
        expect(sorted(result.rejection_reasons.map((r) => r.code)), `trial ${trial} q ${q}`).toEqual(sorted(expected));
        expect(result.approved).toBe(expected.size === 0);
        expect(result.allowed_quantity).toBe(allowed);
        for (const code of expected) refusedWith.set(code, (refusedWith.get(code) ?? 0) + 1);
        compared += 1;
      }
      if (allowed > 0 && allowed < t.limits.maxOrderQuantity) {
        interior += 1;
        const refused = independentlyRefused(allowed + 1);
        for (const code of refused) binding.set(code, (binding.get(code) ?? 0) + 1);
        // Only the VaR stops the next share: the bisection, not a closed form, found this maximum.
        if (refused.size === 1 && refused.has("VAR_LIMIT")) varAlone += 1;
      }
      const varResult = at(Math.max(1, allowed)).risk_assessment.portfolio_impact.var_increase;
      if (varResult !== null && varResult < 0 && t.side === "BUY") hedged += 1;
    }

    // The search exercised real boundaries of every quantity-dependent kind, not only 0s...
    expect(interior).toBeGreaterThan(trials / 4);
    for (const code of [
      "REDUCE_ONLY",
      "MAX_ORDER_VALUE",
      "INSUFFICIENT_CASH",
      "INSUFFICIENT_POSITION",
      "CONCENTRATION_LIMIT",
      "SECTOR_LIMIT",
      "LEVERAGE_LIMIT",
      "VAR_LIMIT",
    ] as const) {
      expect(binding.get(code) ?? 0, `${code} binding`).toBeGreaterThan(20);
    }
    expect(varAlone).toBeGreaterThan(20);
    // ...buys that hedge (VaR falls) were among them...
    expect(hedged).toBeGreaterThan(20);
    // ...and every code refused some probe.
    for (const code of preTradeRejectionCodes) expect(refusedWith.get(code) ?? 0, code).toBeGreaterThan(20);
    expect(searched).toBeGreaterThan(2_000_000);
    expect(compared).toBeGreaterThan(10_000);
  });
});
