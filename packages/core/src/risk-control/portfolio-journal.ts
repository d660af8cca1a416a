import { z } from "zod";
import type { Clock } from "../ports/clock";
import type { Logger } from "../ports/logger";
import type { PortfolioFillRecord, PortfolioRepository } from "../ports/repositories";
import { Portfolio, type PortfolioStateRecord } from "../risk/portfolio";
import type { ExecutionRecord } from "../risk/simulated-execution";

const finite = z.number().finite();
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
 * write at a time drains them; a failed write is retried on the next flush. A snapshot takes the
 * state and the seq it covers in one synchronous step, so it is consistent whatever the journal's
 * backlog.
 */
export class PortfolioJournal {
  readonly #o: PortfolioJournalOptions;
  readonly #pending: PortfolioFillRecord[] = [];
  #seq: number;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(options: PortfolioJournalOptions) {
    this.#o = options;
    this.#seq = options.seq;
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
    void this.flush();
  }

  /** Writes every pending fill; resolves when they are written (or the write failed, logged). */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      if (this.#pending.length === 0) return;
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

  /** Stores a snapshot of the portfolio now, after writing the pending fills. */
  async snapshot(): Promise<void> {
    const snapshot = { seq: this.#seq, time: this.#o.clock.now(), state: this.#o.portfolio.state() };
    await this.flush();
    await this.#o.repository.saveSnapshot(this.#o.portfolioId, snapshot);
  }
}
