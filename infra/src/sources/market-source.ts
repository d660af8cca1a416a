import type { Bar, RejectedInput } from "@tradeops/core";

/** Where every market data source delivers: the same path whatever the source. */
export interface MarketSourceSink {
  /**
   * Complete bars, in order per symbol. A returned promise asks a source that can wait (file
   * replay) to wait before reading on; live sources do not.
   */
  bars(bars: readonly Bar[], options?: { readonly backfill?: boolean }): void | Promise<void>;
  /** Input the source's guard set aside; never throws. */
  rejected(rejection: RejectedInput): void;
}

export interface RunningSource {
  /** Stops reading or connecting; once it resolves the source delivers nothing more. */
  stop(): Promise<void>;
}
