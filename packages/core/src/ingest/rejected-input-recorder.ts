import { type Logger, silentLogger } from "../ports/logger";
import type { RejectedTickRepository } from "../ports/repositories";
import type { RejectedInput } from "./rejection";

export interface RejectedInputRecorderOptions {
  readonly repository: Pick<RejectedTickRepository, "record">;
  readonly logger?: Logger;
  /** Entries per write. Default 500. */
  readonly batchSize?: number;
  /** How often pending entries are written. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** Entries held while the database is slow or down; beyond it the oldest are dropped. Default 10,000. */
  readonly maxPending?: number;
  /** Writes of one batch before it is given up (so one bad batch cannot block the rest). Default 3. */
  readonly maxAttempts?: number;
}

export interface RejectedInputRecorderStats {
  readonly recorded: number;
  readonly pending: number;
  /** Entries given up: beyond `maxPending`, or in a batch that failed `maxAttempts` times. */
  readonly dropped: number;
  readonly failures: number;
}

/**
 * Writes the dead letter in batches, off the ingest path: `add` only queues, a timer writes. A
 * slow or failing database never stops or slows the feed; what cannot be stored is counted as
 * dropped and logged, and the rejection is still counted in the metrics by its source.
 */
export class RejectedInputRecorder {
  readonly #repository: Pick<RejectedTickRepository, "record">;
  readonly #logger: Logger;
  readonly #batchSize: number;
  readonly #maxPending: number;
  readonly #maxAttempts: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #pending: RejectedInput[] = [];
  #attempts = 0;
  #writing: Promise<void> | undefined;
  #recorded = 0;
  #dropped = 0;
  #failures = 0;
  #closed = false;

  constructor(options: RejectedInputRecorderOptions) {
    this.#repository = options.repository;
    this.#logger = options.logger ?? silentLogger;
    this.#batchSize = options.batchSize ?? 500;
    this.#maxPending = options.maxPending ?? 10_000;
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref?.();
  }

  /** Queues one entry; never throws, never waits. */
  add(rejection: RejectedInput): void {
    if (this.#closed) {
      this.#dropped++;
      return;
    }
    this.#pending.push(rejection);
    this.#trim();
  }

  /** Writes what is pending now, a batch at a time; resolves when done (failures are logged, not thrown). */
  flush(): Promise<void> {
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  stats(): RejectedInputRecorderStats {
    return {
      recorded: this.#recorded,
      pending: this.#pending.length,
      dropped: this.#dropped,
      failures: this.#failures,
    };
  }

  /** Stops the timer and writes what is pending (one attempt per batch left). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#writing;
    await this.flush();
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      // Taken out while it is written, so entries dropped meanwhile by `add` cannot shift it.
      const batch = this.#pending.splice(0, this.#batchSize);
      try {
        await this.#repository.record(
          batch.map(({ receivedAt, source, symbol, reason, raw }) => ({
            receivedAt,
            source,
            ...(symbol === undefined ? {} : { symbol }),
            reason,
            raw,
          })),
        );
        this.#recorded += batch.length;
        this.#attempts = 0;
      } catch (error) {
        this.#failures++;
        this.#attempts++;
        const giveUp = this.#attempts >= this.#maxAttempts || this.#closed;
        this.#logger.error(
          { err: error, entries: batch.length, attempt: this.#attempts, dropped: giveUp },
          "storing rejected market data failed",
        );
        if (giveUp) {
          this.#dropped += batch.length;
          this.#attempts = 0;
          continue;
        }
        this.#pending.unshift(...batch);
        this.#trim();
        return;
      }
    }
  }

  /** Drops the oldest entries beyond `maxPending`. */
  #trim(): void {
    const excess = this.#pending.length - this.#maxPending;
    if (excess <= 0) return;
    this.#pending.splice(0, excess);
    this.#dropped += excess;
  }
}
