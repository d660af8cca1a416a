import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultUniverse } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { loadPortfolioSectors } from "./portfolio-sectors";

describe("loadPortfolioSectors", () => {
  const universe = defaultUniverse(3);
  const [first] = universe;
  if (first === undefined) throw new Error("an empty universe");

  it("is the simulated universe's map without an instruments file", async () => {
    const sectors = await loadPortfolioSectors({ SIM_SYMBOLS: 3, MARKET_INSTRUMENTS_FILE: undefined });
    expect(sectors).toEqual(Object.fromEntries(universe.map((s) => [s.symbol, s.sector])));
  });

  it("takes the instruments file's sectors over the universe's, and its new symbols", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "sectors-")), "instruments.json");
    writeFileSync(
      file,
      JSON.stringify({ [first.symbol]: "utilities", ZZNEW: { sector: "technology", name: "Zed New" } }),
    );
    const sectors = await loadPortfolioSectors({ SIM_SYMBOLS: 3, MARKET_INSTRUMENTS_FILE: file });
    expect(sectors[first.symbol]).toBe("utilities");
    expect(sectors.ZZNEW).toBe("technology");
    expect(Object.keys(sectors)).toHaveLength(4);
  });

  it("refuses an instruments file it cannot read, naming it", async () => {
    await expect(
      loadPortfolioSectors({ SIM_SYMBOLS: 3, MARKET_INSTRUMENTS_FILE: "/nonexistent/instruments.json" }),
    ).rejects.toThrow(/nonexistent\/instruments\.json/);
  });
});
