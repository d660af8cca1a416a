import { z } from "zod";
import type { Clock } from "../ports/clock";
import type { Logger } from "../ports/logger";
import type { PortfolioFillRecord, PortfolioRepository } from "../ports/repositories";
import { Portfolio, type PortfolioStateRecord } from "../risk/portfolio";
import type { ExecutionRecord } from "../risk/simulated-execution";

const finite = z.number().finite();
const dayMs = 86_400_000;
const epochMs = z.number().int().nullable();

/** `Portfolio.state()` as stored in a snapshot. */
export const portfolioStateRecordSchema = z.object({
  startingCash: finite.positive(),
  cash: finite,
  realisedPnl: finite,
  dayOpenValue: finite,
  day: epochMs,
  asOf: epochMs,
  positions: z.array(
    z.object({
      symbol: z.string().min(1),
      quantity: z.number().int().positive(),
      averageCost: finite.positive(),
      lastPrice: finite.positive(),
    }),
  ),
}) satisfies z.ZodType<PortfolioStateRecord>;

/**
 * The portfolio a restart resumes with: the latest snapshot (or a new portfolio of
 * `startingCash`) with every later fill of the journal booked again in order. Returns it with the
 * seq of the last fill it includes, where the journal goes on from.
 */
export function restorePortfolio(
  loaded: {
    readonly snapshot: { readonly seq: number; readonly state: unknown } | null;
    readonly fills: readonly PortfolioFillRecord[];
  },
  options: { readonly startingCash: number; readonly sectors?: Readonly<Record<string, string>> },
): { portfolio: Portfolio; seq: number } {
  const sectors = options.sectors === undefined ? {} : { sectors: options.sectors };
  const portfolio =
    loaded.snapshot === null
      ? new Portfolio({ startingCash: options.startingCash, ...sectors })
      : Portfolio.fromState(portfolioStateRecordSchema.parse(loaded.snapshot.state), sectors);
  let seq = loaded.snapshot?.seq ?? 0;
  for (const fill of loaded.fills) {
    if (fill.seq <= seq) continue;
    if (fill.seq !== seq + 1) throw new Error(`the fill journal skips from ${seq} to ${fill.seq}`);
    portfolio.advanceTo(fill.time);
    portfolio.applyFill(fill);
    seq = fill.seq;
  }
  return { portfolio, seq };
}

export interface PortfolioJournalOptions {
  readonly portfolioId: string;
  readonly portfolio: Portfolio;
  readonly repository: PortfolioRepository;
  /** The seq of the last fill already in the journal (see `restorePortfolio`). */
  readonly seq: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Writes a live portfolio's fills to the journal, in order, and its snapshots. `record` is
 * synchronous (the decision path never waits for the database): fills queue in memory and one
 * write at a time drains them. What it promises:
 * - a fill is never dropped while the process lives: a failed write keeps it queued, and the next
 *   write (the next fill's, or the next snapshot's) retries the whole backlog in seq order; the
 *   repository ignores a seq it already has, so a write that succeeded but reported a failure
 *   does no harm when retried;
 * - a snapshot takes the state and the seq it covers in one synchronous step, so it is consistent
 *   whatever the backlog, and snapshots are stored in the order they were taken;
 * - the first fill of a new UTC day takes a snapshot (once the synchronous step that booked it is
 *   over), so a restart after a crash restores the
 *   day's opening value (the daily loss limit's anchor) as the live portfolio had it; fills alone
 *   restore the book exactly (cash, quantities, average costs, realised P&L), with each position
 *   marked at its last fill until the next bar marks it again;
 * - `suspend` stops every write (fills stay queued) while this process may not be the portfolio's
 *   single writer; `resume` writes the backlog.
 */
export class PortfolioJournal {
  readonly #o: PortfolioJournalOptions;
  readonly #pending: PortfolioFillRecord[] = [];
  #seq: number;
  #writing: Promise<void> = Promise.resolve();
  #saving: Promise<void> = Promise.resolve();
  #failing = false;
  #suspended = false;
  /** The UTC day of the latest fill recorded (or of the portfolio when restored). */
  #day: number | null;

  constructor(options: PortfolioJournalOptions) {
    this.#o = options;
    this.#seq = options.seq;
    this.#day = options.portfolio.state().day;
  }

  /** Whether writes are stopped (see `suspend`). */
  get suspended(): boolean {
    return this.#suspended;
  }

  /** The seq of the latest fill recorded. */
  get seq(): number {
    return this.#seq;
  }

  /** Fills recorded but not written yet. */
  get backlog(): number {
    return this.#pending.length;
  }

  /** Journals an execution's fill (nothing for a cancellation) and starts writing it. */
  record(execution: ExecutionRecord): void {
    if (execution.quantity <= 0) return;
    this.#seq += 1;
    this.#pending.push({
      seq: this.#seq,
      time: execution.time,
      symbol: execution.symbol,
      side: execution.side,
      quantity: execution.quantity,
      price: execution.executionPrice,
      decisionId: execution.decisionId,
    });
    const day = Math.floor(execution.time / dayMs);
    const newDay = this.#day !== null && day > this.#day;
    this.#day = Math.max(day, this.#day ?? day);
    if (!newDay) {
      void this.flush();
      return;
    }
    // Once the step that booked this fill is over: the bar's other fills are booked before they
    // are recorded, and a snapshot in between would cover them without their seqs.
    void Promise.resolve().then(() =>
      this.snapshot().catch((error: unknown) =>
        this.#o.logger.warn({ err: error, portfolio: this.#o.portfolioId }, "new day's portfolio snapshot failed"),
      ),
    );
  }

  /** Stops writing fills and snapshots until `resume`; fills recorded meanwhile stay queued. */
  suspend(): void {
    this.#suspended = true;
  }

  /** Writes again, starting with the backlog. */
  resume(): Promise<void> {
    this.#suspended = false;
    return this.flush();
  }

  /** Writes every pending fill; resolves when they are written (or the write failed, logged). */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      if (this.#pending.length === 0 || this.#suspended) return;
      const batch = this.#pending.slice();
      try {
        await this.#o.repository.appendFills(this.#o.portfolioId, batch);
        this.#pending.splice(0, batch.length);
        if (this.#failing) this.#o.logger.info({ portfolio: this.#o.portfolioId }, "fill journal writes succeed again");
        this.#failing = false;
      } catch (error) {
        if (!this.#failing)
          this.#o.logger.error({ err: error, backlog: this.#pending.length }, "fill journal write failed");
        this.#failing = true;
      }
    });
    return this.#writing;
  }

  /**
   * Stores a snapshot of the portfolio now, after writing the pending fills (a fill write that
   * fails does not hold the snapshot back: it covers those fills). Rejects when suspended.
   */
  snapshot(): Promise<void> {
    if (this.#suspended) return Promise.reject(new Error("the portfolio journal is suspended"));
    const snapshot = { seq: this.#seq, time: this.#o.clock.now(), state: this.#o.portfolio.state() };
    const saved = this.#saving.then(async () => {
      await this.flush();
      if (this.#suspended) throw new Error("the portfolio journal was suspended before the snapshot was stored");
      await this.#o.repository.saveSnapshot(this.#o.portfolioId, snapshot);
    });
    this.#saving = saved.catch(() => undefined);
    return saved;
  }
}
