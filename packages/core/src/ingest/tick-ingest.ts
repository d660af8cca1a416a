import type { Bar, Timeframe } from "../market/bar";
import { type RejectedInput, rejectInput } from "./rejection";
import { TickGuard } from "./tick-guard";
import { TickToBarAggregator } from "./tick-to-bar";

export interface IngestResult {
  /** Bars completed by this input, in order. */
  readonly bars: readonly Bar[];
  readonly rejections: readonly RejectedInput[];
}

/**
 * Trades in, complete bars out: every input goes through `TickGuard` (with the aggregator's
 * closed boundary, so a trade for an already emitted bar is `late`) and, when accepted, into the
 * `TickToBarAggregator`. Bad input is returned as rejections; nothing here throws for it.
 */
export class TickIngest {
  readonly source: string;
  readonly #guard: TickGuard;
  readonly #bars: TickToBarAggregator;
  #latestTime: number | undefined;

  constructor(options: { source: string; timeframe?: Timeframe; recentSequences?: number }) {
    this.source = options.source;
    this.#guard = new TickGuard({
      source: options.source,
      ...(options.recentSequences === undefined ? {} : { recentSequences: options.recentSequences }),
    });
    this.#bars = new TickToBarAggregator(options.timeframe === undefined ? {} : { timeframe: options.timeframe });
  }

  /** Candidate trades (already JSON-parsed), in arrival order. */
  ticks(items: readonly unknown[], receivedAt: number): IngestResult {
    const bars: Bar[] = [];
    const rejections: RejectedInput[] = [];
    for (const item of items) {
      const result = this.#guard.check(item, receivedAt, this.#bars.closedBefore);
      if (!result.ok) {
        rejections.push(result.rejection);
        continue;
      }
      bars.push(...this.#bars.add(result.value));
      if (this.#latestTime === undefined || result.value.time > this.#latestTime) this.#latestTime = result.value.time;
    }
    return { bars, rejections };
  }

  /** A frame that was not even JSON. */
  unparseable(text: string, detail: string, receivedAt: number): RejectedInput {
    return rejectInput({ source: this.source, receivedAt, raw: text, reason: "malformed", detail });
  }

  /** Closes every interval ending at or before `until`; see `TickToBarAggregator.flush`. */
  flush(until: number): Bar[] {
    return this.#bars.flush(until);
  }

  get closedBefore(): number {
    return this.#bars.closedBefore;
  }

  /** The latest time of any accepted trade, or undefined before the first. */
  get latestTime(): number | undefined {
    return this.#latestTime;
  }
}
