import {
  type Clock,
  historyStartTime,
  type InstrumentRecord,
  MarketSimulator,
  type SymbolSpec,
  timeframeMs,
} from "@tradeops/core";
import type { MarketSourceSink, RunningSource } from "./market-source";

const timeframe = "1min" as const;

export interface SimulatorSourceOptions {
  readonly seed: number;
  readonly universe: readonly SymbolSpec[];
  /** Bars emitted at once on start, marked `backfill`, so consumers start warm. */
  readonly backfillBars: number;
  /** Wall-clock time between bars. */
  readonly barIntervalMs: number;
  /** Open time of the latest stored 1min bar, or null on a first start. */
  readonly lastStoredBarTime: number | null;
  readonly clock: Clock;
}

/** The instruments of a simulated universe, registered before its first bar. */
export function simulatorInstruments(universe: readonly SymbolSpec[]): InstrumentRecord[] {
  return universe.map((spec) => ({ symbol: spec.symbol, sector: spec.sector, name: spec.name }));
}

/**
 * The regime-switching simulator as a source: `backfillBars` bars at once, then one bar per
 * symbol every `barIntervalMs`. After a restart it continues from the last stored bar (a fresh
 * path from a seed derived from that time, so a restart never replays the same market): market
 * time must never go backwards, or every consumer would refuse the new bars as out of order.
 * Market time therefore runs ahead of the wall clock (60x with the defaults).
 */
export function startSimulatorSource(options: SimulatorSourceOptions, sink: MarketSourceSink): RunningSource {
  const { lastStoredBarTime } = options;
  const startTime = Math.max(
    historyStartTime(options.clock.now(), options.backfillBars, timeframe),
    lastStoredBarTime === null ? 0 : lastStoredBarTime + timeframeMs[timeframe],
  );
  const simulator = new MarketSimulator({
    seed: lastStoredBarTime === null ? options.seed : options.seed + Math.floor(startTime / timeframeMs[timeframe]),
    symbols: [...options.universe],
    timeframe,
    startTime,
  });
  for (let i = 0; i < options.backfillBars; i++) void sink.bars(simulator.nextBars(), { backfill: true });
  const timer = setInterval(() => void sink.bars(simulator.nextBars()), options.barIntervalMs);
  return {
    async stop() {
      clearInterval(timer);
    },
  };
}
