import type { DecisionEngine, Logger, MarketDataRepository } from "@tradeops/core";

/** Bars per symbol: past the longest feature window (61 bars) the recursive features have settled. */
const warmupBarsPerSymbol = 240;

/**
 * Warms a (re)started engine with the latest stored 1-minute bars of each symbol, in time order
 * across symbols (the cross-sectional ranks need it), through `engine.warmUp`: features, regime
 * and the market model learn, nothing trades or is published. A symbol whose bars cannot be read
 * only starts cold. Returns, per symbol, the open time of the last bar taken: a live bar at or
 * before it was seen already.
 */
export async function warmFromStoredBars(
  engine: Pick<DecisionEngine, "warmUp">,
  options: {
    readonly symbols: readonly string[];
    readonly bars: Pick<MarketDataRepository, "barsBefore">;
    readonly now: number;
    readonly logger: Logger;
  },
): Promise<Map<string, number>> {
  const series = await Promise.all(
    options.symbols.map((symbol) =>
      options.bars.barsBefore(symbol, "1min", options.now + 1, warmupBarsPerSymbol).catch((error: unknown) => {
        options.logger.warn({ err: error, symbol }, "stored bars not read: the symbol starts cold");
        return [];
      }),
    ),
  );
  const bars = series.flat().sort((a, b) => a.time - b.time);
  const warmedTo = new Map<string, number>();
  for (const bar of bars) {
    if (await engine.warmUp(bar)) warmedTo.set(bar.symbol, bar.time);
  }
  options.logger.info({ bars: bars.length, symbols: warmedTo.size }, "engine warmed from stored bars");
  return warmedTo;
}
