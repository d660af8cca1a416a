import {
  type Bar,
  defaultUniverse,
  historyStartTime,
  MarketSimulator,
  marketBarsTopic,
  timeframeMs,
} from "@tradeops/core";
import type { WorkerRole } from "./worker-role";

const timeframe = "1min" as const;

/**
 * The embedded default source of market data: the regime-switching simulator. It registers the
 * universe's instruments, emits SIM_BACKFILL_BARS bars at once so consumers start warm, then one
 * bar per symbol every SIM_BAR_INTERVAL_MS. After a restart it continues from the last stored bar
 * (a fresh path from a seed derived from that time, so a restart never replays the same market). Market time therefore runs ahead of the
 * wall clock (60x with the defaults); everything downstream is stamped in market time.
 * Bars go to `market.bars.v1` and, idempotently, to the market_bars table.
 */
export const marketRole: WorkerRole = {
  name: "market",
  description: "Simulated market data: bars for every symbol at the configured rate.",
  async start({ env, resources, database, services, logger }) {
    const universe = defaultUniverse(env.SIM_SYMBOLS);
    await database.repositories.marketData.upsertInstruments(
      universe.map((spec) => ({ symbol: spec.symbol, sector: spec.sector, name: spec.name })),
    );
    // Market time continues from the last stored bar across restarts: it must never go backwards,
    // or every consumer would refuse the new bars as out of order.
    const lastStored = await database.repositories.marketData.latestBarTime(timeframe);
    const startTime = Math.max(
      historyStartTime(resources.clock.now(), env.SIM_BACKFILL_BARS, timeframe),
      lastStored === null ? 0 : lastStored + timeframeMs[timeframe],
    );
    const simulator = new MarketSimulator({
      seed: lastStored === null ? env.SIM_SEED : env.SIM_SEED + Math.floor(startTime / timeframeMs[timeframe]),
      symbols: universe,
      timeframe,
      startTime,
    });
    const publisher = await services.publisher();
    let storing: Promise<void> = Promise.resolve();

    const emit = (bars: Bar[], backfill: boolean) => {
      publisher.publish(
        marketBarsTopic,
        bars.map((bar) => ({
          key: bar.symbol,
          payload: bar,
          timestamp: bar.time + timeframeMs[timeframe],
          ...(backfill ? { headers: { backfill: "true" } } : {}),
        })),
      );
      // One write at a time, in order; a slow database delays storage, never the feed.
      storing = storing.then(() =>
        database.repositories.marketData.upsertBars(bars).then(
          () => undefined,
          (error: unknown) => logger.error({ err: error, bars: bars.length }, "storing bars failed"),
        ),
      );
    };

    for (let i = 0; i < env.SIM_BACKFILL_BARS; i++) emit(simulator.nextBars(), true);
    logger.info(
      { symbols: universe.length, backfill: env.SIM_BACKFILL_BARS, intervalMs: env.SIM_BAR_INTERVAL_MS },
      "market simulator running",
    );
    const timer = setInterval(() => emit(simulator.nextBars(), false), env.SIM_BAR_INTERVAL_MS);
    return {
      async stop() {
        clearInterval(timer);
        await storing;
      },
    };
  },
};
