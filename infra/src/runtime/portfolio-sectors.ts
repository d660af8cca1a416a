import { defaultUniverse, sectorMap } from "@tradeops/core";
import { loadInstrumentMap } from "../sources/instrument-map";
import type { RuntimeEnv } from "./runtime-env";

/**
 * The portfolio's symbol → sector map, which the sector limit is measured with: the simulated
 * universe's sectors, extended and overridden by MARKET_INSTRUMENTS_FILE when a replay or live
 * feed brings symbols of its own. Every process loads the same map from the same settings.
 */
export async function loadPortfolioSectors(
  env: Pick<RuntimeEnv, "SIM_SYMBOLS" | "MARKET_INSTRUMENTS_FILE">,
): Promise<Record<string, string>> {
  const sectors = sectorMap(defaultUniverse(env.SIM_SYMBOLS));
  if (env.MARKET_INSTRUMENTS_FILE === undefined) return sectors;
  const instruments = await loadInstrumentMap(env.MARKET_INSTRUMENTS_FILE);
  for (const [symbol, instrument] of Object.entries(instruments)) sectors[symbol] = instrument.sector;
  return sectors;
}
