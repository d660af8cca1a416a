import { defaultUniverse, RejectedInputRecorder, RejectionCounter } from "@tradeops/core";
import { startFileReplay } from "../sources/file-replay-source";
import { loadInstrumentMap } from "../sources/instrument-map";
import { MarketDataSink } from "../sources/market-data-sink";
import type { RunningSource } from "../sources/market-source";
import { marketSourceConfig } from "../sources/market-source-config";
import { simulatorInstruments, startSimulatorSource } from "../sources/simulator-source";
import { startWebSocketTickSource } from "../sources/websocket-tick-source";
import type { WorkerRole } from "./worker-role";

/**
 * Rejected market data of this process by source and reason: the values of the Prometheus
 * counter `market_data_rejected_total{source,reason}` for whichever endpoint exports metrics.
 */
export const marketDataRejections = new RejectionCounter();

/**
 * The market role with its rejection counter: `marketRole` uses the process-wide one, tests their
 * own.
 */
export function createMarketRole(options: { readonly rejections: RejectionCounter }): WorkerRole {
  return {
    name: "market",
    description: "Market data (simulator, file replay or WebSocket feed) to market.bars.v1 and market_bars.",
    async start({ env, resources, database, services, logger }) {
      const config = marketSourceConfig(env);
      const { marketData, rejectedTicks } = database.repositories;
      const universe = config.kind === "simulator" ? defaultUniverse(env.SIM_SYMBOLS) : [];
      if (universe.length > 0) await marketData.upsertInstruments(simulatorInstruments(universe));
      const instruments =
        env.MARKET_INSTRUMENTS_FILE === undefined ? {} : await loadInstrumentMap(env.MARKET_INSTRUMENTS_FILE);
      const publisher = await services.publisher();
      const recorder = new RejectedInputRecorder({
        repository: rejectedTicks,
        logger: logger.child({ component: "rejected-ticks" }),
      });
      const sink = new MarketDataSink({
        publisher,
        marketData,
        rejections: { counter: options.rejections, recorder },
        instruments,
        registered: universe.map((spec) => spec.symbol),
        logger,
      });

      let source: RunningSource;
      try {
        switch (config.kind) {
          case "simulator": {
            source = startSimulatorSource(
              {
                seed: env.SIM_SEED,
                universe,
                backfillBars: env.SIM_BACKFILL_BARS,
                barIntervalMs: env.SIM_BAR_INTERVAL_MS,
                lastStoredBarTime: await marketData.latestBarTime("1min"),
                clock: resources.clock,
              },
              sink,
            );
            logger.info(
              { symbols: universe.length, backfill: env.SIM_BACKFILL_BARS, intervalMs: env.SIM_BAR_INTERVAL_MS },
              "market simulator running",
            );
            break;
          }
          case "replay": {
            const replay = await startFileReplay(
              { file: config.file, speed: config.speed, clock: resources.clock, logger },
              sink,
            );
            replay.done.catch((error: unknown) => logger.error({ err: error, file: config.file }, "replay failed"));
            logger.info({ file: config.file, speed: config.speed }, "market replay running");
            source = replay;
            break;
          }
          case "websocket": {
            source = startWebSocketTickSource(
              {
                url: config.url,
                symbols: config.symbols,
                backoff: config.backoff,
                heartbeatTimeoutMs: config.heartbeatTimeoutMs,
                latenessMs: config.latenessMs,
                clock: resources.clock,
                logger: logger.child({ component: "feed" }),
              },
              sink,
            );
            logger.info({ url: config.url, symbols: config.symbols.length }, "market feed client running");
            break;
          }
        }
      } catch (error) {
        await recorder.close();
        throw error;
      }

      return {
        async stop() {
          await source.stop();
          await sink.drain();
          await recorder.close();
        },
      };
    },
  };
}

/**
 * The market data source of a process, chosen by MARKET_SOURCE (docs/data-sources.md). The
 * simulator is the embedded default: it continues from the last stored bar across restarts.
 */
export const marketRole: WorkerRole = createMarketRole({ rejections: marketDataRejections });
