import {
  type Bar,
  type BufferedPublisher,
  type InstrumentRecord,
  type Logger,
  type MarketDataRepository,
  marketBarsTopic,
  type RejectedInput,
  type RejectedInputRecorder,
  type RejectionCounter,
  timeframeMs,
} from "@tradeops/core";
import { type InstrumentMap, unknownSector } from "./instrument-map";
import type { MarketSourceSink } from "./market-source";

export interface MarketDataSinkOptions {
  readonly publisher: Pick<BufferedPublisher, "publish" | "stats" | "flush">;
  readonly marketData: Pick<MarketDataRepository, "upsertInstruments" | "upsertBars" | "knownSymbol">;
  readonly rejections: { readonly counter: RejectionCounter; readonly recorder: Pick<RejectedInputRecorder, "add"> };
  /** Sector and name of symbols a source may bring (MARKET_INSTRUMENTS_FILE). */
  readonly instruments?: InstrumentMap;
  /** Symbols already registered (the simulator's universe). */
  readonly registered?: Iterable<string>;
  readonly logger: Logger;
  /** Bars per database write. Default 5,000. */
  readonly writeBatch?: number;
  /** Above this many bars waiting for the database, or events waiting in the publisher, a source that can wait does. Default 20,000 / 5,000. */
  readonly maxQueuedBars?: number;
  readonly maxPublisherBacklog?: number;
}

export interface MarketDataSinkStats {
  /** Bars handed over by the source (and published). */
  readonly bars: number;
  /** Bars in writes the database accepted (a bar stored before counts, it is simply not stored again). */
  readonly stored: number;
  /** Bars waiting for the database. */
  readonly queued: number;
  /** Writes that failed (their bars are published but not stored). */
  readonly storeFailures: number;
  readonly rejected: number;
}

/**
 * The one path every source ends in: bars go to `market.bars.v1` (keyed by symbol, stamped with
 * their completion time) and, in order and off the feed's path, to the market_bars table
 * (idempotent: a replayed bar is not stored twice), each symbol registered as an instrument
 * before its first bar is written. Rejected input is counted (the metric's values) and queued
 * for the `rejected_ticks` dead letter. Nothing here throws into a source's loop.
 */
export class MarketDataSink implements MarketSourceSink {
  readonly #options: MarketDataSinkOptions;
  readonly #registered: Set<string>;
  readonly #writeBatch: number;
  readonly #maxQueuedBars: number;
  readonly #maxPublisherBacklog: number;
  #queue: Bar[] = [];
  #writing: Promise<void> | undefined;
  #bars = 0;
  #stored = 0;
  #storeFailures = 0;
  #rejected = 0;

  constructor(options: MarketDataSinkOptions) {
    this.#options = options;
    this.#registered = new Set(options.registered ?? []);
    this.#writeBatch = options.writeBatch ?? 5_000;
    this.#maxQueuedBars = options.maxQueuedBars ?? 20_000;
    this.#maxPublisherBacklog = options.maxPublisherBacklog ?? 5_000;
  }

  bars(bars: readonly Bar[], options: { readonly backfill?: boolean } = {}): void | Promise<void> {
    if (bars.length === 0) return;
    const { publisher, logger } = this.#options;
    try {
      publisher.publish(
        marketBarsTopic,
        bars.map((bar) => ({
          key: bar.symbol,
          payload: bar,
          timestamp: bar.time + timeframeMs[bar.timeframe],
          ...(options.backfill ? { headers: { backfill: "true" } } : {}),
        })),
      );
    } catch (error) {
      logger.error({ err: error, bars: bars.length }, "publishing bars failed");
    }
    this.#bars += bars.length;
    this.#queue.push(...bars);
    this.#startWriting();
    const backlog = publisher.stats();
    if (this.#queue.length > this.#maxQueuedBars || backlog.buffered + backlog.spilled > this.#maxPublisherBacklog) {
      return this.#relieve();
    }
  }

  rejected(rejection: RejectedInput): void {
    const { counter, recorder } = this.#options.rejections;
    counter.add(rejection);
    recorder.add(rejection);
    this.#rejected++;
    // 1st, 10th, 100th... of each kind: visible in the logs without flooding them.
    const count = counter.count(rejection.source, rejection.reason);
    if (Number.isInteger(Math.log10(count))) {
      this.#options.logger.warn(
        {
          source: rejection.source,
          reason: rejection.reason,
          symbol: rejection.symbol,
          detail: rejection.detail,
          count,
        },
        "market data rejected",
      );
    }
  }

  /** Resolves once every bar handed over so far has been written (or has failed to be). */
  async drain(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  stats(): MarketDataSinkStats {
    return {
      bars: this.#bars,
      stored: this.#stored,
      queued: this.#queue.length,
      storeFailures: this.#storeFailures,
      rejected: this.#rejected,
    };
  }

  async #relieve(): Promise<void> {
    while (this.#writing && this.#queue.length > this.#maxQueuedBars) await this.#writing;
    const backlog = this.#options.publisher.stats();
    if (backlog.buffered + backlog.spilled > this.#maxPublisherBacklog) {
      // Bounded: with the bus down the spill takes the events and the source moves on.
      await this.#options.publisher.flush(5_000);
    }
  }

  #startWriting(): void {
    this.#writing ??= this.#write().finally(() => {
      this.#writing = undefined;
    });
  }

  /**
   * Registers the symbols of a batch seen for the first time: a mapped symbol with its mapping
   * (the configuration wins), an unmapped one with sector `unknown` only when it is not an
   * instrument already, so a replay never wipes the sector of a symbol the platform knows.
   */
  async #register(batch: readonly Bar[]): Promise<void> {
    const { marketData, instruments = {}, logger } = this.#options;
    const unseen = [...new Set(batch.map((bar) => bar.symbol))].filter((symbol) => !this.#registered.has(symbol));
    if (unseen.length === 0) return;
    const rows: InstrumentRecord[] = [];
    for (const symbol of unseen) {
      const mapped = instruments[symbol];
      if (mapped) rows.push(mapped);
      else if (!(await marketData.knownSymbol(symbol))) rows.push({ symbol, sector: unknownSector, name: symbol });
    }
    if (rows.length > 0) {
      await marketData.upsertInstruments(rows);
      logger.info({ symbols: rows.map((row) => row.symbol) }, "instruments registered");
    }
    for (const symbol of unseen) this.#registered.add(symbol);
  }

  /** One write at a time, in order: a slow database delays storage, never the feed. */
  async #write(): Promise<void> {
    const { marketData, logger } = this.#options;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#writeBatch);
      try {
        await this.#register(batch);
        await marketData.upsertBars(batch);
        this.#stored += batch.length;
      } catch (error) {
        this.#storeFailures++;
        logger.error({ err: error, bars: batch.length }, "storing bars failed");
      }
    }
  }
}
