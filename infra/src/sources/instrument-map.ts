import { readFile } from "node:fs/promises";
import { type InstrumentRecord, symbolSchema } from "@tradeops/core";
import { z } from "zod";

/**
 * MARKET_INSTRUMENTS_FILE: the sector (and optionally the name) of symbols a replay or feed may
 * bring, as JSON: `{ "QVXL": { "sector": "technology", "name": "Quovexal Systems" }, "ABCD": "energy" }`.
 */
const instrumentMapSchema = z.record(
  symbolSchema,
  z.union([z.string().min(1), z.object({ sector: z.string().min(1), name: z.string().min(1).optional() })]),
);

/** The sector of a symbol nothing maps. */
export const unknownSector = "unknown";

/** Symbol -> its instrument row, as MARKET_INSTRUMENTS_FILE gives them. */
export type InstrumentMap = Readonly<Record<string, InstrumentRecord>>;

export async function loadInstrumentMap(path: string): Promise<InstrumentMap> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : "cannot be read"}`);
  }
  const parsed = instrumentMapSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${z.prettifyError(parsed.error)}`);
  return Object.fromEntries(
    Object.entries(parsed.data).map(([symbol, entry]) => {
      const { sector, name } = typeof entry === "string" ? { sector: entry, name: undefined } : entry;
      return [symbol, { symbol, sector, name: name ?? symbol }];
    }),
  );
}
