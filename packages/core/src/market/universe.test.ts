import { describe, expect, it } from "vitest";
import { barSchema } from "./bar";
import {
  DEFAULT_SYMBOL_COUNT,
  defaultSymbols,
  defaultUniverse,
  MAX_SYMBOL_COUNT,
  sectors,
  symbolSpecSchema,
} from "./universe";

const sampleBar = (symbol: string) => ({
  symbol,
  timeframe: "1min",
  time: 0,
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 0,
});

describe("defaultSymbols", () => {
  it("lists 50 distinct, valid tickers of 3 or 4 capitals", () => {
    expect(defaultSymbols).toHaveLength(DEFAULT_SYMBOL_COUNT);
    expect(new Set(defaultSymbols.map((s) => s.symbol)).size).toBe(50);
    expect(new Set(defaultSymbols.map((s) => s.name)).size).toBe(50);
    for (const spec of defaultSymbols) {
      expect(spec.symbol).toMatch(/^[A-Z]{3,4}$/);
      expect(symbolSpecSchema.safeParse(spec).success).toBe(true);
      expect(barSchema.safeParse(sampleBar(spec.symbol)).success).toBe(true);
    }
  });

  it("covers all 8 sectors with 5 to 7 listings each, and gives utilities the lowest betas", () => {
    expect(sectors).toHaveLength(8);
    for (const sector of sectors) {
      const members = defaultSymbols.filter((s) => s.sector === sector);
      expect(members.length).toBeGreaterThanOrEqual(5);
      expect(members.length).toBeLessThanOrEqual(7);
    }
    const maxUtilityBeta = Math.max(...defaultSymbols.filter((s) => s.sector === "utilities").map((s) => s.beta));
    const minTechBeta = Math.min(...defaultSymbols.filter((s) => s.sector === "technology").map((s) => s.beta));
    expect(maxUtilityBeta).toBeLessThan(minTechBeta);
  });
});

describe("defaultUniverse", () => {
  it("is the default list for 50 and a prefix of it below", () => {
    expect(defaultUniverse()).toEqual(defaultSymbols);
    expect(defaultUniverse(10)).toEqual(defaultSymbols.slice(0, 10));
  });

  it("generates further listings deterministically, each universe a prefix of any larger one", () => {
    const big = defaultUniverse(MAX_SYMBOL_COUNT);
    expect(big).toHaveLength(MAX_SYMBOL_COUNT);
    expect(defaultUniverse(300)).toEqual(big.slice(0, 300));
    expect(defaultUniverse(51)).toEqual(big.slice(0, 51));
    expect(new Set(big.map((s) => s.symbol)).size).toBe(MAX_SYMBOL_COUNT);
    const generated = big.slice(DEFAULT_SYMBOL_COUNT);
    generated.forEach((spec, k) => {
      expect(spec.symbol).toMatch(/^[A-Z][QXZJ][A-Z]{2}$/);
      expect(spec.sector).toBe(sectors[(DEFAULT_SYMBOL_COUNT + k) % sectors.length]);
      expect(symbolSpecSchema.safeParse(spec).success).toBe(true);
      expect(spec.basePrice).toBeGreaterThanOrEqual(8);
      expect(spec.basePrice).toBeLessThanOrEqual(400);
    });
  });

  it("rejects sizes outside 1 to the maximum", () => {
    for (const count of [0, -3, 2.5, MAX_SYMBOL_COUNT + 1]) expect(() => defaultUniverse(count)).toThrow(RangeError);
  });
});
