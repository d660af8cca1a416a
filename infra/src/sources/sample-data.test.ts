import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { barSchema } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { loadInstrumentMap } from "./instrument-map";
import { generateSampleData, sampleSessionBars, sampleSessionsBars, sampleSymbols } from "./sample-data";

const folder = resolve(import.meta.dirname, "../../sample-data");

describe("the shipped sample data", () => {
  it.each(generateSampleData().map((file) => [file.name, file.content]))(
    "%s is exactly what the generator produces (regenerate with infra/sample-data/generate.ts)",
    async (name, content) => {
      expect(await readFile(join(folder, name), "utf8")).toBe(content);
    },
  );

  it("is two sessions of valid 1min bars of five symbols on one continuous path", () => {
    const [day1 = [], day2 = []] = sampleSessionsBars();
    expect(day1).toHaveLength(sampleSessionBars * sampleSymbols.length);
    expect(day2).toHaveLength(sampleSessionBars * sampleSymbols.length);
    for (const bar of [...day1, ...day2]) expect(barSchema.safeParse(bar).success).toBe(true);
    expect(day2[0]?.time).toBe(Date.parse("2026-01-06T14:30:00Z"));
    // The second session opens near where the first closed (a gap of a bar, not a new path).
    for (const symbol of sampleSymbols) {
      const close = day1.filter((b) => b.symbol === symbol).at(-1)?.close ?? 0;
      const open = day2.find((b) => b.symbol === symbol)?.open ?? 0;
      expect(Math.abs(Math.log(open / close))).toBeLessThan(0.01);
    }
  });

  it("maps every sample symbol to its simulator sector", async () => {
    const mapping = await loadInstrumentMap(join(folder, "instruments.json"));
    expect(Object.keys(mapping).sort()).toEqual([...sampleSymbols].sort());
    expect(mapping.QVXL).toEqual({ symbol: "QVXL", sector: "technology", name: "Quovexal Systems" });
  });
});
