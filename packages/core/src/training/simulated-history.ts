import type { Bar, Timeframe } from "../market/bar";
import { MarketSimulator } from "../market/market-simulator";
import { historyStartTime } from "../market/pacing";
import type { MarketRegime, RegimeProcessConfig } from "../market/regime-process";

/**
 * Aligned bar history of a universe: every symbol has a bar at every step, oldest first. What the
 * first-start training learns from.
 */
export interface BarHistory {
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  /** bars[s][t]: symbol s's bar at step t. */
  readonly bars: readonly (readonly Bar[])[];
  /** GROUND TRUTH regime of each step, when the history is simulated; for reporting only. */
  readonly regimes?: readonly MarketRegime[];
}

export interface SimulateHistoryOptions {
  readonly seed: number;
  readonly symbols: number;
  /** Bars per symbol. */
  readonly bars: number;
  readonly timeframe: Timeframe;
  /** The last bar is the last one complete at or before this time (epoch ms). */
  readonly now: number;
  /** The market's regime process per bar; the simulator's default for the timeframe when absent. */
  readonly market?: RegimeProcessConfig | undefined;
}

/** `bars` complete bars of the default universe's first `symbols` listings, the last ending at or before `now`. */
export function simulateHistory(options: SimulateHistoryOptions): BarHistory {
  const { seed, symbols, bars, timeframe, now, market } = options;
  const simulator = new MarketSimulator({
    seed,
    symbols,
    timeframe,
    startTime: historyStartTime(now, bars, timeframe),
    ...(market === undefined ? {} : { regime: market }),
  });
  const series: Bar[][] = simulator.symbols.map(() => new Array<Bar>(bars));
  const regimes = new Array<MarketRegime>(bars);
  let t = 0;
  for (const step of simulator.history(bars)) {
    regimes[t] = step.regime;
    for (const [s, bar] of step.bars.entries()) (series[s] as Bar[])[t] = bar;
    t++;
  }
  return { timeframe, symbols: simulator.symbols.map((spec) => spec.symbol), bars: series, regimes };
}

const BAR_FIELDS = ["time", "open", "high", "low", "close", "volume"] as const;

/**
 * Lower-case hex SHA-256 identifying a history's bars, recorded with every model trained on it.
 * The hashed bytes are: the UTF-8 JSON `{"format":"tradeops.bar-history","version":1,"timeframe":…,
 * "symbols":[…]}`, then per symbol (in `symbols` order) its bar count as a little-endian uint32 and
 * each bar's time, open, high, low, close and volume as little-endian float64. Exact values are
 * hashed, so two histories share a hash only if every number is bit-identical.
 */
export async function historyDataHash(history: BarHistory): Promise<string> {
  const header = new TextEncoder().encode(
    JSON.stringify({
      format: "tradeops.bar-history",
      version: 1,
      timeframe: history.timeframe,
      symbols: history.symbols,
    }),
  );
  let barCount = 0;
  for (const series of history.bars) barCount += series.length;
  const bytes = new Uint8Array(header.length + history.bars.length * 4 + barCount * BAR_FIELDS.length * 8);
  bytes.set(header, 0);
  const view = new DataView(bytes.buffer);
  let offset = header.length;
  for (const series of history.bars) {
    view.setUint32(offset, series.length, true);
    offset += 4;
    for (const bar of series) {
      for (const field of BAR_FIELDS) {
        view.setFloat64(offset, bar[field], true);
        offset += 8;
      }
    }
  }
  return sha256Hex(bytes);
}

/** Lower-case hex SHA-256 (Web Crypto: deterministic, no I/O). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
