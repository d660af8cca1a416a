import { describe, expect, it } from "vitest";
import type { Bar } from "../market/bar";
import { Portfolio } from "./portfolio";
import { riskLimitsSchema } from "./risk-check";
import { SimulatedExecution } from "./simulated-execution";

const minute = 60_000;
const t0 = Date.parse("2024-03-04T14:30:00Z");

function bar(symbol: string, time: number, open: number, close = open): Bar {
  return {
    symbol,
    timeframe: "1min",
    time,
    open,
    high: Math.max(open, close),
    low: Math.min(open, close),
    close,
    volume: 1_000,
  };
}

describe("SimulatedExecution", () => {
  it("fills a BUY at the next bar's open plus 1 bp and records price and slippage", () => {
    const portfolio = new Portfolio({ startingCash: 100_000 });
    const execution = new SimulatedExecution();
    // Decided at the close of the bar opening at t0, i.e. at t0 + 1 min.
    execution.submit({ decisionId: "d1", symbol: "AAA", side: "BUY", quantity: 100, decidedAt: t0 + minute });
    expect(execution.fillPending(bar("BBB", t0 + minute, 50), portfolio)).toEqual([]);
    expect(execution.fillPending(bar("AAA", t0, 99), portfolio)).toEqual([]);
    expect(execution.pending("AAA")).toHaveLength(1);
    const [record] = execution.fillPending(bar("AAA", t0 + minute, 100, 104), portfolio);
    // 100 × (1 + 1/10,000) = 100.01.
    expect(record).toEqual({
      decisionId: "d1",
      symbol: "AAA",
      side: "BUY",
      requestedQuantity: 100,
      quantity: 100,
      status: "filled",
      referencePrice: 100,
      executionPrice: 100 * 1.0001,
      slippageBps: 1,
      slippageCost: expect.closeTo(1, 9),
      time: t0 + minute,
    });
    expect(execution.execution("d1")).toEqual(record);
    expect(execution.pending("AAA")).toEqual([]);
    expect(portfolio.cash).toBeCloseTo(100_000 - 10_001, 9);
    expect(portfolio.position("AAA")).toMatchObject({ quantity: 100, averageCost: 100 * 1.0001 });
  });

  it("fills a SELL at the open minus the slippage, cut to what is held", () => {
    const portfolio = new Portfolio({ startingCash: 10_000 });
    portfolio.applyFill({ symbol: "AAA", side: "BUY", quantity: 30, price: 100 });
    const execution = new SimulatedExecution({ slippageBps: 10 });
    execution.submit({ decisionId: "s1", symbol: "AAA", side: "SELL", quantity: 50, decidedAt: t0 });
    const [record] = execution.fillPending(bar("AAA", t0, 110), portfolio);
    // 110 × (1 − 10/10,000) = 109.89; 30 × (109.89 − 100) realised.
    expect(record).toMatchObject({ status: "partial", quantity: 30, reason: "INSUFFICIENT_POSITION" });
    expect(record?.executionPrice).toBeCloseTo(109.89, 12);
    expect(record?.slippageCost).toBeCloseTo(30 * 0.11, 9);
    expect(portfolio.realisedPnl).toBeCloseTo(30 * 9.89, 9);
    expect(portfolio.quantity("AAA")).toBe(0);
  });

  it("cuts a BUY at the fill to what the limits allow at the execution price", () => {
    const portfolio = new Portfolio({ startingCash: 100_000 });
    const execution = new SimulatedExecution({ slippageBps: 0 });
    // Sized at 100 to be exactly 25%: 250 shares. The price gaps to 125 at the open.
    execution.submit({ decisionId: "g1", symbol: "AAA", side: "BUY", quantity: 250, decidedAt: t0 });
    const [record] = execution.fillPending(bar("AAA", t0, 125), portfolio);
    // ⌊0.25 × 100,000 / 125⌋ = 200.
    expect(record).toMatchObject({ status: "partial", quantity: 200, reason: "CONCENTRATION_LIMIT" });
    expect(portfolio.position("AAA")?.share).toBeCloseTo(0.25, 12);
  });

  it("cancels a BUY whose cash other fills have spent, and fills orders in submission order", () => {
    const portfolio = new Portfolio({ startingCash: 1_000 });
    // Limits out of the way, so that only the cash binds.
    const limits = riskLimitsSchema.parse({
      maxPositionShare: 1,
      positionWarningShare: 1,
      maxSectorShare: 1,
      sectorWarningShare: 1,
    });
    const execution = new SimulatedExecution({ slippageBps: 0, limits });
    execution.submit({ decisionId: "a", symbol: "AAA", side: "BUY", quantity: 2, decidedAt: t0 });
    execution.submit({ decisionId: "b", symbol: "BBB", side: "BUY", quantity: 2, decidedAt: t0 });
    execution.submit({ decisionId: "a2", symbol: "AAA", side: "SELL", quantity: 1, decidedAt: t0 });
    execution.submit({ decisionId: "c", symbol: "CCC", side: "BUY", quantity: 1, decidedAt: t0 });
    const first = execution.fillPending(bar("AAA", t0, 125), portfolio);
    expect(first.map((r) => [r.decisionId, r.status, r.quantity])).toEqual([
      ["a", "filled", 2],
      ["a2", "filled", 1],
    ]);
    // Cash is now 1,000 − 250 + 125 = 875: one BBB at 500, no CCC at 900.
    const [partial] = execution.fillPending(bar("BBB", t0, 500), portfolio);
    expect(partial).toMatchObject({ status: "partial", quantity: 1, reason: "INSUFFICIENT_CASH" });
    const [cancelled] = execution.fillPending(bar("CCC", t0, 900), portfolio);
    expect(cancelled).toMatchObject({ status: "cancelled", quantity: 0, slippageCost: 0, reason: "INSUFFICIENT_CASH" });
    expect(portfolio.quantity("CCC")).toBe(0);
    expect(portfolio.cash).toBe(375);
  });

  it("keeps only the latest records", () => {
    const portfolio = new Portfolio({ startingCash: 1_000_000 });
    const execution = new SimulatedExecution({ maxRecords: 2 });
    for (const id of ["x", "y", "z"]) {
      execution.submit({ decisionId: id, symbol: "AAA", side: "BUY", quantity: 1, decidedAt: t0 });
    }
    execution.fillPending(bar("AAA", t0, 10), portfolio);
    expect(execution.execution("x")).toBeUndefined();
    expect(execution.execution("z")?.status).toBe("filled");
  });

  it("refuses bad orders and settings", () => {
    const execution = new SimulatedExecution();
    expect(() => execution.submit({ decisionId: "q", symbol: "A", side: "BUY", quantity: 0, decidedAt: 0 })).toThrow();
    expect(() => new SimulatedExecution({ slippageBps: -1 })).toThrow(RangeError);
    expect(() => new SimulatedExecution({ maxRecords: 0 })).toThrow(RangeError);
  });
});
