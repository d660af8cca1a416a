import type { Bar, Timeframe } from "../../market/bar";
import type { MinuteBuckets } from "../../ports/repositories";
import type { BarReader } from "../series-reader";
import { aggregateBars } from "../timeframe-aggregator";

/** One read the service made, for assertions on how much it asked the database for. */
export interface BarRead {
  readonly method: "barsBetween" | "barsBefore" | "minuteBucketsBefore" | "knownSymbol";
  readonly timeframe?: Timeframe;
  /** `limit` or `count`: the most bars the read could return. */
  readonly size?: number;
  readonly returned?: number;
}

/**
 * The repository's read contract over arrays (the Prisma implementation is tested against the
 * same contract on PGlite and PostgreSQL). `failing` makes every read reject, as a database that
 * is down would.
 */
export class MemoryBarReader implements BarReader {
  readonly reads: BarRead[] = [];
  failing = false;
  readonly #bars = new Map<string, Bar[]>();
  readonly #symbols = new Set<string>();

  constructor(symbols: readonly string[] = []) {
    for (const symbol of symbols) this.#symbols.add(symbol);
  }

  /** Stores bars (registering their symbols); each series is kept sorted by time. */
  add(bars: readonly Bar[]): void {
    for (const bar of bars) {
      this.#symbols.add(bar.symbol);
      const key = `${bar.symbol}|${bar.timeframe}`;
      const series = this.#bars.get(key) ?? [];
      series.push(bar);
      this.#bars.set(key, series);
    }
    for (const series of this.#bars.values()) series.sort((a, b) => a.time - b.time);
  }

  async barsBetween(
    symbol: string,
    timeframe: Timeframe,
    from: number,
    to: number,
    options: { readonly limit: number },
  ): Promise<Bar[]> {
    this.#check();
    const series = this.#series(symbol, timeframe);
    const first = firstAtOrAfter(series, from);
    const found = series.slice(first, Math.min(firstAtOrAfter(series, to), first + options.limit));
    this.reads.push({ method: "barsBetween", timeframe, size: options.limit, returned: found.length });
    return found;
  }

  async barsBefore(symbol: string, timeframe: Timeframe, before: number, count: number): Promise<Bar[]> {
    this.#check();
    const series = this.#series(symbol, timeframe);
    const end = firstAtOrAfter(series, before);
    const found = series.slice(Math.max(0, end - count), end);
    this.reads.push({ method: "barsBefore", timeframe, size: count, returned: found.length });
    return found;
  }

  /** The contract's reference: the live aggregator over the same minutes. */
  async minuteBucketsBefore(
    symbol: string,
    timeframe: "5min" | "1hour",
    before: number,
    minutes: number,
  ): Promise<MinuteBuckets> {
    this.#check();
    const series = this.#series(symbol, "1min");
    const end = firstAtOrAfter(series, before);
    const read = series.slice(Math.max(0, end - minutes), end);
    const bars = aggregateBars(read, timeframe);
    this.reads.push({ method: "minuteBucketsBefore", timeframe, size: minutes, returned: bars.length });
    return { bars, minutes: read.length, lastMinuteTime: read.at(-1)?.time ?? null };
  }

  async knownSymbol(symbol: string): Promise<boolean> {
    this.#check();
    this.reads.push({ method: "knownSymbol" });
    return this.#symbols.has(symbol);
  }

  #series(symbol: string, timeframe: Timeframe): Bar[] {
    return this.#bars.get(`${symbol}|${timeframe}`) ?? [];
  }

  #check(): void {
    if (this.failing) throw new Error("database unreachable");
  }
}

/** Index of the first bar opening at or after `time` in a sorted series (its length if none). */
function firstAtOrAfter(series: readonly Bar[], time: number): number {
  let low = 0;
  let high = series.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((series[middle]?.time ?? Number.POSITIVE_INFINITY) < time) low = middle + 1;
    else high = middle;
  }
  return low;
}
