import {
  type CacheCounts,
  type FeatureService,
  FeaturesUnavailableError,
  type HistoryRow,
  type HistorySource,
  type Logger,
  NoFeatureDataError,
  readHistoryPage,
  streamHistory,
  type Timeframe,
  UnknownSymbolError,
} from "@tradeops/core";
import type { z } from "zod";
import { ApiError } from "../http/api-error";
import type { featuresResponse } from "../rest/v1/features.schemas";
import type { historyRow } from "../rest/v1/history.schemas";

export interface FeatureApiDependencies {
  readonly features: FeatureService;
  /** Where history is read from: the same stored bars the feature service recomputes from. */
  readonly history: HistorySource;
  readonly now: () => number;
  readonly logger: Logger;
}

type HistoryLine = z.input<typeof historyRow>;

/**
 * The features and history endpoints, free of HTTP: requests arrive parsed, results leave in the
 * spec's shapes, and the data service's typed errors become the spec's status codes (unknown
 * symbol and no data 404, neither cache nor computation able to serve 503).
 */
export class FeatureApiService {
  constructor(private readonly deps: FeatureApiDependencies) {}

  /** The feature pipeline version every answer is computed with. */
  get pipelineVersion(): string {
    return this.deps.features.version;
  }

  /** Requests by how the feature cache fared, for `feature_cache_requests_total`. */
  cacheCounts(): CacheCounts {
    return this.deps.features.cacheCounts();
  }

  async features(
    params: { symbol: string; timeframe: Timeframe },
    query: { timestamp?: string | undefined; version?: string | undefined },
  ): Promise<z.input<typeof featuresResponse>> {
    const { vector, cacheHit } = await this.#mapErrors(() =>
      this.deps.features.get(params.symbol, params.timeframe, {
        ...(query.timestamp !== undefined ? { timestamp: Date.parse(query.timestamp) } : {}),
        ...(query.version !== undefined ? { version: query.version } : {}),
      }),
    );
    return {
      symbol: vector.symbol,
      timeframe: vector.timeframe,
      timestamp: vector.timestamp,
      features: vector.features,
      metadata: {
        cache_hit: cacheHit,
        pipeline_version: vector.version,
        generated_at: new Date(this.deps.now()).toISOString(),
      },
    };
  }

  /**
   * The NDJSON lines of a history request. The first row is read before this resolves, so an
   * unknown symbol, an empty range or an unreadable database is an ApiError while the response
   * can still carry its status; a failure after that ends the stream with an error line.
   */
  async openHistory(
    params: { symbol: string; timeframe: Timeframe },
    query: { start: string; end: string },
  ): Promise<AsyncIterable<string>> {
    const rows = streamHistory(
      this.deps.history,
      params.symbol,
      params.timeframe,
      Date.parse(query.start),
      Date.parse(query.end),
    )[Symbol.asyncIterator]();
    const first = await this.#mapErrors(() => rows.next());
    return this.#lines(first, rows, params);
  }

  /** One page of history for the console; `cursor` is the previous page's `nextCursor`. */
  async historyPage(input: {
    symbol: string;
    timeframe: Timeframe;
    start: string;
    end: string;
    limit: number;
    cursor?: string | undefined;
  }) {
    const page = await this.#mapErrors(() =>
      readHistoryPage(this.deps.history, {
        symbol: input.symbol,
        timeframe: input.timeframe,
        from: Date.parse(input.start),
        to: Date.parse(input.end),
        limit: input.limit,
        ...(input.cursor !== undefined ? { cursor: Date.parse(input.cursor) } : {}),
      }),
    );
    return {
      pipelineVersion: this.pipelineVersion,
      rows: page.rows.map(historyLine),
      nextCursor: page.nextCursor === null ? null : new Date(page.nextCursor).toISOString(),
    };
  }

  async *#lines(
    first: IteratorResult<HistoryRow>,
    rows: AsyncIterator<HistoryRow>,
    params: { symbol: string; timeframe: Timeframe },
  ): AsyncGenerator<string> {
    try {
      let next = first;
      while (next.done !== true) {
        yield `${JSON.stringify(historyLine(next.value))}\n`;
        next = await rows.next();
      }
    } catch (error) {
      // The status line has gone: the stream's last line says what went wrong instead.
      const mapped = knownApiError(error);
      if (mapped === undefined || mapped.statusCode >= 500) {
        this.deps.logger.error({ err: error, ...params }, "history stream failed");
      }
      const body = mapped ?? new ApiError(500, "INTERNAL", "internal error while streaming history");
      yield `${JSON.stringify({ error: { code: body.code, message: body.message } })}\n`;
    } finally {
      // A client that goes away stops the reads.
      await rows.return?.();
    }
  }

  async #mapErrors<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const mapped = knownApiError(error);
      // Anything else is a defect: the error handler logs it and answers 500.
      if (mapped === undefined) throw error;
      if (mapped.statusCode === 503) this.deps.logger.warn({ err: error }, "features cannot be served");
      throw mapped;
    }
  }
}

function historyLine({ bar, features }: HistoryRow): HistoryLine {
  return {
    timestamp: features.timestamp,
    bar: {
      time: new Date(bar.time).toISOString(),
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
    },
    features: features.features,
  };
}

/** The data service's typed errors as the spec's status codes; undefined for anything else. */
function knownApiError(error: unknown): ApiError | undefined {
  if (error instanceof UnknownSymbolError) return new ApiError(404, "UNKNOWN_SYMBOL", error.message);
  if (error instanceof NoFeatureDataError) return new ApiError(404, "NO_DATA", error.message);
  if (error instanceof FeaturesUnavailableError) return new ApiError(503, "FEATURES_UNAVAILABLE", error.message);
  return undefined;
}
