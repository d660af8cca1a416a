import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { type Holding, type RiskPortfolioView, staticPortfolioView, type TradeSide } from "./portfolio";
import { checkTrade, defaultRiskLimits, type RiskLimits, riskLimitsSchema } from "./risk-check";

const sectors = { XXA: "technology", XXB: "technology", XXC: "technology", XXE: "energy" };

/** Cash 100,000; XXA 100 @ 200 (tech), XXB 200 @ 100 (tech), XXE 100 @ 100 (energy): total 150,000. */
const book = staticPortfolioView({
  cash: 100_000,
  positions: {
    XXA: { quantity: 100, current_price: 200 },
    XXB: { quantity: 200, current_price: 100 },
    XXE: { quantity: 100, current_price: 100 },
  },
  sectors,
});

describe("checkTrade: the single-position limit", () => {
  it("approves a BUY leaving the position at 20% and reports the spec's shape", () => {
    const result = checkTrade(book, { symbol: "XXA", side: "BUY", quantity: 50, price: 200 });
    expect(result).toEqual({
      approved: true,
      warnings: [],
      checks: { position_limit: "pass", concentration: "pass", daily_loss_limit: "pass", sufficiency: "pass" },
      rejection_reasons: [],
      // min(⌊0.25·150,000/200 − 100⌋ = 87, sector ⌊(75,000 − 20,000)/200 − 100⌋ = 175, cash 500)
      allowed_quantity: 87,
      position_after_trade: { quantity: 150, market_value: 30_000, pct_portfolio: 0.2 },
      concentration_increase: 0.2 - 20_000 / 150_000,
      limit_utilization: { position_size: 0.8, sector_exposure: 50_000 / 150_000 / 0.5, daily_loss: 0 },
    });
  });

  it("warns above 23% and rejects above 25% with the spec's CONCENTRATION_LIMIT", () => {
    const warned = checkTrade(book, { symbol: "XXA", side: "BUY", quantity: 80, price: 200 });
    // 180 × 200 = 36,000 of 150,000 = 24%.
    expect(warned.approved).toBe(true);
    expect(warned.warnings).toEqual([
      "Position in XXA would be 24.0% of the portfolio, above the 23.0% alert threshold",
    ]);
    const atLimit = checkTrade(book, { symbol: "XXA", side: "BUY", quantity: 87, price: 200 });
    expect(atLimit.approved).toBe(true);
    const rejected = checkTrade(book, { symbol: "XXA", side: "BUY", quantity: 88, price: 200 });
    // 188 × 200 = 37,600 of 150,000 = 25.07%.
    expect(rejected.approved).toBe(false);
    expect(rejected.checks.position_limit).toBe("fail");
    expect(rejected.rejection_reasons).toEqual([
      {
        code: "CONCENTRATION_LIMIT",
        message: "Trade would exceed 25.0% single-position limit (proposed: 25.1%)",
        limit: 0.25,
        proposed: 37_600 / 150_000,
      },
    ]);
    expect(rejected.allowed_quantity).toBe(87);
  });

  it("values the holding at the trade price, as the fill will", () => {
    // At 210 the total is 100,000 + 21,000 + 20,000 + 10,000 = 151,000: ⌊0.25·151,000/210 − 100⌋ = 79.
    const result = checkTrade(book, { symbol: "XXA", side: "BUY", quantity: 1, price: 210 });
    expect(result.allowed_quantity).toBe(79);
    expect(result.position_after_trade.pct_portfolio).toBeCloseTo((101 * 210) / 151_000, 15);
  });
});

describe("checkTrade: the sector limit", () => {
  /** Cash 50,000 and three tech holdings of 20,000 + 20,000 + 10,000: tech is at exactly 50%. */
  const full = staticPortfolioView({
    cash: 50_000,
    positions: {
      XXA: { quantity: 200, current_price: 100 },
      XXB: { quantity: 200, current_price: 100 },
      XXC: { quantity: 100, current_price: 100 },
    },
    sectors,
  });

  it("refuses any more of a sector at its limit, but not another sector", () => {
    const result = checkTrade(full, { symbol: "XXA", side: "BUY", quantity: 1, price: 100 });
    expect(result.approved).toBe(false);
    expect(result.checks).toMatchObject({ position_limit: "pass", concentration: "fail" });
    expect(result.rejection_reasons.map((r) => r.code)).toEqual(["SECTOR_LIMIT"]);
    expect(result.rejection_reasons[0]?.proposed).toBeCloseTo(0.501, 15);
    expect(result.allowed_quantity).toBe(0);
    expect(result.warnings).toEqual([
      "Sector technology would be 50.1% of the portfolio, above the 46.0% alert threshold",
    ]);
    const energy = checkTrade(full, { symbol: "XXE", side: "BUY", quantity: 1, price: 100 });
    // ⌊0.25·100,000/100⌋ = 250; cash 500.
    expect(energy.allowed_quantity).toBe(250);
    const unknown = checkTrade(full, { symbol: "NONE", side: "BUY", quantity: 1, price: 100 });
    expect(unknown.limit_utilization.sector_exposure).toBe(0);
  });
});

describe("checkTrade: cash, holdings and the daily loss limit", () => {
  /** Cash 1,000 and XXE 100 @ 90: total 10,000, opened the day at 10,300 (down 2.91%). */
  const losing = staticPortfolioView({
    cash: 1_000,
    day_open_value: 10_300,
    positions: { XXE: { quantity: 100, current_price: 90 } },
    sectors,
  });
  const flat = staticPortfolioView({ cash: 1_000, positions: { XXE: { quantity: 100, current_price: 90 } }, sectors });

  it("caps a BUY at the cash", () => {
    // Position bound ⌊2,500/30⌋ = 83, cash ⌊1,000/30⌋ = 33.
    expect(checkTrade(flat, { symbol: "NEW", side: "BUY", quantity: 33, price: 30 }).approved).toBe(true);
    const result = checkTrade(flat, { symbol: "NEW", side: "BUY", quantity: 34, price: 30 });
    expect(result.approved).toBe(false);
    expect(result.checks.sufficiency).toBe("fail");
    expect(result.rejection_reasons).toEqual([
      {
        code: "INSUFFICIENT_CASH",
        message: "Trade costs 1020.00 but only 1000.00 cash is available",
        limit: 1_000,
        proposed: 1_020,
      },
    ]);
    expect(result.allowed_quantity).toBe(33);
  });

  it("refuses every BUY while the day's loss is beyond 2%, and lets SELLs through", () => {
    const buy = checkTrade(losing, { symbol: "NEW", side: "BUY", quantity: 1, price: 30 });
    expect(buy.approved).toBe(false);
    expect(buy.checks.daily_loss_limit).toBe("fail");
    expect(buy.rejection_reasons[0]).toMatchObject({ code: "DAILY_LOSS_LIMIT", limit: 0.02, proposed: 300 / 10_300 });
    expect(buy.allowed_quantity).toBe(0);
    expect(buy.limit_utilization.daily_loss).toBeCloseTo(300 / 10_300 / 0.02, 15);
    const sell = checkTrade(losing, { symbol: "XXE", side: "SELL", quantity: 50, price: 90 });
    expect(sell.approved).toBe(true);
    expect(sell.allowed_quantity).toBe(100);
    expect(sell.position_after_trade).toEqual({ quantity: 50, market_value: 4_500, pct_portfolio: 0.45 });
  });

  it("allows a loss of exactly 2% and not a cent more", () => {
    const at = (dayOpen: number) =>
      checkTrade(staticPortfolioView({ cash: 12_250, day_open_value: dayOpen, positions: {} }), {
        symbol: "NEW",
        side: "BUY",
        quantity: 1,
        price: 10,
      }).approved;
    expect(at(12_500)).toBe(true);
    expect(at(12_500.01)).toBe(false);
  });

  it("never sells short", () => {
    const result = checkTrade(flat, { symbol: "XXE", side: "SELL", quantity: 101, price: 90 });
    expect(result.approved).toBe(false);
    expect(result.rejection_reasons).toEqual([
      {
        code: "INSUFFICIENT_POSITION",
        message: "Cannot sell 101 XXE: 100 held, and v1 does not sell short",
        limit: 100,
        proposed: 101,
      },
    ]);
    expect(result.allowed_quantity).toBe(100);
    expect(checkTrade(flat, { symbol: "NONE", side: "SELL", quantity: 1, price: 9 }).allowed_quantity).toBe(0);
  });

  it("refuses malformed proposals", () => {
    for (const proposal of [
      { symbol: "A", side: "BUY" as const, quantity: 0, price: 1 },
      { symbol: "A", side: "BUY" as const, quantity: 1.5, price: 1 },
      { symbol: "A", side: "BUY" as const, quantity: 1, price: 0 },
      { symbol: "A", side: "BUY" as const, quantity: 1, price: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => checkTrade(flat, proposal)).toThrow(RangeError);
    }
  });
});

/**
 * An independent statement of the v1 rules, from the portfolio's description, for the brute
 * force: "after the trade" means holdings of the symbol valued at the trade price.
 */
function independentlyPasses(
  cash: number,
  dayOpen: number,
  holdings: readonly Holding[],
  sectorOf: (symbol: string) => string | undefined,
  symbol: string,
  side: TradeSide,
  quantity: number,
  price: number,
  limits: RiskLimits,
): boolean {
  const held = holdings.find((h) => h.symbol === symbol)?.quantity ?? 0;
  if (side === "SELL") return quantity <= held;
  let total = cash;
  let sectorOthers = 0;
  for (const h of holdings) {
    const value = h.symbol === symbol ? h.quantity * price : h.quantity * h.lastPrice;
    total += value;
    if (h.symbol !== symbol && sectorOf(symbol) !== undefined && sectorOf(h.symbol) === sectorOf(symbol)) {
      sectorOthers += value;
    }
  }
  const position = (held + quantity) * price;
  const loss = Math.max(0, (dayOpen - total) / dayOpen);
  return (
    quantity * price <= cash &&
    position <= limits.maxPositionShare * total &&
    (sectorOf(symbol) === undefined || sectorOthers + position <= limits.maxSectorShare * total) &&
    loss <= limits.maxDailyLoss
  );
}

describe("checkTrade: allowed_quantity is the true maximum (brute force over random portfolios)", () => {
  it("matches the largest passing quantity found by trying every quantity", () => {
    const prng = Prng.fromSeed(20_240_601);
    const symbols = ["S0", "S1", "S2", "S3", "S4", "S5", "S6", "S7"];
    const sectorOf = (symbol: string): string | undefined =>
      symbol === "S7" ? undefined : ["tech", "energy", "utilities"][Number(symbol.slice(1)) % 3];
    const limitSets: RiskLimits[] = [
      defaultRiskLimits,
      riskLimitsSchema.parse({
        maxPositionShare: 0.1,
        positionWarningShare: 0.1,
        maxSectorShare: 0.3,
        sectorWarningShare: 0.2,
      }),
      riskLimitsSchema.parse({ maxPositionShare: 0.6, maxSectorShare: 0.7, maxDailyLoss: 0.05 }),
    ];
    let nonTrivial = 0;
    let checked = 0;
    const binding = new Map<string, number>();
    for (let trial = 0; trial < 400; trial++) {
      const holdings: Holding[] = [];
      for (const symbol of symbols) {
        if (prng.next() < 0.5) {
          holdings.push({
            symbol,
            quantity: 1 + prng.int(300),
            lastPrice: Math.round(500 + prng.next() * 19_500) / 100,
          });
        }
      }
      const cash = Math.round(prng.next() * 5_000_000) / 100;
      const invested = holdings.reduce((sum, h) => sum + h.quantity * h.lastPrice, 0);
      const dayOpen = (cash + invested) * (0.96 + prng.next() * 0.08);
      const limits = limitSets[trial % limitSets.length] as RiskLimits;
      const view: RiskPortfolioView = { cash, dayOpenValue: dayOpen, holdings: () => holdings, sectorOf };
      const symbol = symbols[prng.int(symbols.length)] as string;
      const side: TradeSide = prng.next() < 0.8 ? "BUY" : "SELL";
      const mark = holdings.find((h) => h.symbol === symbol)?.lastPrice ?? 5 + prng.next() * 195;
      const price = Math.round(mark * (0.95 + prng.next() * 0.1) * 100) / 100;
      // No BUY beyond cash / price can pass, no SELL beyond the holding: try everything up to past both.
      const ceiling = Math.ceil(cash / price) + 300 + 3;
      let bruteMax = 0;
      for (let q = 1; q <= ceiling; q++) {
        const expected = independentlyPasses(cash, dayOpen, holdings, sectorOf, symbol, side, q, price, limits);
        const actual = checkTrade(view, { symbol, side, quantity: q, price }, limits);
        expect(actual.approved, `trial ${trial} q ${q}`).toBe(expected);
        if (expected) bruteMax = q;
        checked += 1;
      }
      const allowed = checkTrade(view, { symbol, side, quantity: 1, price }, limits).allowed_quantity;
      expect(allowed, `trial ${trial}`).toBe(bruteMax);
      if (allowed > 0 && allowed < ceiling - 3) nonTrivial += 1;
      for (const reason of checkTrade(view, { symbol, side, quantity: allowed + 1, price }, limits).rejection_reasons) {
        binding.set(reason.code, (binding.get(reason.code) ?? 0) + 1);
      }
    }
    // The search must have exercised real boundaries of every kind, not only 0s.
    expect(nonTrivial).toBeGreaterThan(150);
    for (const code of [
      "CONCENTRATION_LIMIT",
      "SECTOR_LIMIT",
      "DAILY_LOSS_LIMIT",
      "INSUFFICIENT_CASH",
      "INSUFFICIENT_POSITION",
    ]) {
      expect(binding.get(code) ?? 0, code).toBeGreaterThan(5);
    }
    expect(checked).toBeGreaterThan(100_000);
  });
});
