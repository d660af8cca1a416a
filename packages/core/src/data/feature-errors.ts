import type { Timeframe } from "../market/bar";

/** The symbol is not a registered instrument: nothing can ever be served for it (404). */
export class UnknownSymbolError extends Error {
  override readonly name = "UnknownSymbolError";

  constructor(readonly symbol: string) {
    super(`symbol ${symbol} is not supported`);
  }
}

/**
 * The symbol is known but there is nothing to serve: no complete bar at or before the time asked,
 * none in the range asked, or a pipeline version other than the current one (404).
 */
export class NoFeatureDataError extends Error {
  override readonly name = "NoFeatureDataError";

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
    detail: string,
  ) {
    super(`no ${timeframe} features for ${symbol}: ${detail}`);
  }
}

/**
 * Neither the cache nor the computation can serve: the cache failed or missed and the stored bars
 * could not be read (503). `cause` is the database's error.
 */
export class FeaturesUnavailableError extends Error {
  override readonly name = "FeaturesUnavailableError";

  constructor(detail: string, options: { readonly cause: unknown }) {
    super(detail, { cause: options.cause });
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
