import type { Logger, RiskControlRepository } from "@tradeops/core";

export interface PortfolioLeaseOptions {
  readonly repository: RiskControlRepository;
  readonly portfolioId: string;
  readonly holder: string;
  readonly logger: Logger;
  /** How long the lease lasts unrenewed; default 15 s (renewed every third of it). */
  readonly ttlMs?: number;
  /** Monotonic milliseconds, for the lease's deadline; default `performance.now`. */
  readonly now?: () => number;
}

/** Waits `ms`, or less when `signal` aborts (then rejects with its reason). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The single-writer lease of a portfolio: one process at a time runs its decision engine and its
 * pre-trade gate (the only place its orders are approved), so concurrent approvals are serialised
 * by one in-memory reservation book and can never jointly breach a limit. Another process that
 * wants the portfolio waits in standby and takes over once the lease expires (its holder died) or
 * is released (its holder stopped).
 *
 * While held, the lease is renewed every third of its TTL. A renewal that fails (database down)
 * reports `held = false` at once, so the holder stops approving and writing before another
 * process can have taken over (the TTL is three renewal periods); a later renewal that succeeds
 * before the lease's deadline (the last confirmed renewal's request time + TTL, so nobody else
 * could have held it meanwhile) reports it held again. Past the deadline, or when another holder
 * has it, the lease has lapsed: whatever this process holds in memory may be stale, so it stops
 * renewing and tells `onLapse` (the holder must start over from the database); `acquire` may be
 * called again.
 */
export class PortfolioLease {
  readonly #o: PortfolioLeaseOptions;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #held = false;
  #active = false;
  /** Whether `acquire` ever succeeded: only then is there something to hand back. */
  #acquired = false;
  /** When the request of the latest confirmed acquisition or renewal was sent. */
  #confirmedAt = Number.NEGATIVE_INFINITY;
  #renewing: Promise<void> | undefined;
  #listener: ((held: boolean) => void) | undefined;
  #lapseListener: (() => void) | undefined;

  constructor(options: PortfolioLeaseOptions) {
    this.#o = options;
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Whether this process holds the lease now: renewed, and its deadline not passed. */
  get held(): boolean {
    return this.#held && this.#now() < this.#confirmedAt + this.#ttlMs;
  }

  /** Called when a held lease is lost (a renewal failed) or regained before its deadline. */
  onChange(listener: (held: boolean) => void): void {
    this.#listener = listener;
  }

  /** Called once the lease has lapsed (see the class): the holder must start over. */
  onLapse(listener: () => void): void {
    this.#lapseListener = listener;
  }

  /**
   * Waits (polling every third of the TTL) until this process holds the lease, then keeps renewing
   * it. Rejects, holding nothing, once `signal` aborts.
   */
  async acquire(signal: AbortSignal): Promise<void> {
    const { portfolioId, holder, logger } = this.#o;
    let announced = false;
    for (;;) {
      signal.throwIfAborted();
      const sent = this.#now();
      const held = await this.#ask();
      if (held) {
        if (signal.aborted) {
          // Taken while the process was stopping: hand it straight back.
          await this.#o.repository.releaseLease(portfolioId, holder).catch(() => undefined);
          signal.throwIfAborted();
        }
        this.#confirmedAt = sent;
        break;
      }
      if (!announced) logger.info({ portfolio: portfolioId }, "another process holds the portfolio: standing by");
      announced = true;
      await sleep(this.#ttlMs / 3, signal);
    }
    this.#held = true;
    this.#active = true;
    this.#acquired = true;
    logger.info({ portfolio: portfolioId, holder }, "portfolio lease held: this process is its single writer");
    this.#timer = setInterval(() => {
      // One renewal at a time: a slow database must not stack them up.
      this.#renewing ??= this.#renew().finally(() => {
        this.#renewing = undefined;
      });
    }, this.#ttlMs / 3);
    this.#timer.unref();
  }

  /** Asks for the lease; false when refused or when the database cannot answer. */
  async #ask(): Promise<boolean> {
    const { repository, portfolioId, holder, logger } = this.#o;
    try {
      return await repository.acquireLease(portfolioId, holder, this.#ttlMs);
    } catch (error) {
      logger.warn({ err: error, portfolio: portfolioId }, "portfolio lease: could not ask the database");
      return false;
    }
  }

  async #renew(): Promise<void> {
    const { repository, portfolioId, holder, logger } = this.#o;
    const sent = this.#now();
    const answer = await repository.acquireLease(portfolioId, holder, this.#ttlMs).catch((error: unknown) => {
      logger.warn({ err: error, portfolio: portfolioId }, "portfolio lease: renewal could not reach the database");
      return "unknown" as const;
    });
    if (!this.#active) return;
    const withinDeadline = this.#now() < this.#confirmedAt + this.#ttlMs;
    if (answer === true && withinDeadline) {
      this.#confirmedAt = sent;
      if (this.#held) return;
      this.#held = true;
      logger.info({ portfolio: portfolioId }, "portfolio lease regained");
      this.#listener?.(true);
      return;
    }
    if (answer === "unknown" && withinDeadline) {
      if (!this.#held) return;
      this.#held = false;
      logger.error({ portfolio: portfolioId }, "portfolio lease lost: approvals and journal writes suspended");
      this.#listener?.(false);
      return;
    }
    // Refused (another holder has it), or past the deadline: someone else may have written.
    this.#stop();
    const wasHeld = this.#held;
    this.#held = false;
    logger.error(
      { portfolio: portfolioId, refused: answer === false },
      "portfolio lease lapsed: this process must start over from the database",
    );
    if (wasHeld) this.#listener?.(false);
    this.#lapseListener?.();
  }

  #stop(): void {
    this.#active = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Stops renewing and hands the lease back, so a standby process takes over at once. */
  async release(): Promise<void> {
    this.#stop();
    // A renewal in flight would otherwise take the lease again after it is handed back.
    await this.#renewing;
    this.#held = false;
    // Also after a lapse: a renewal that came back too late may still have taken it.
    if (!this.#acquired) return;
    this.#acquired = false;
    await this.#o.repository
      .releaseLease(this.#o.portfolioId, this.#o.holder)
      .catch((error: unknown) => this.#o.logger.warn({ err: error }, "portfolio lease not released; it will expire"));
  }
}

/** What runs while this process holds the lease; `final` asks for a last write, otherwise none. */
export interface PortfolioWriter {
  stop(options: { final: boolean }): Promise<void>;
}

/**
 * Runs a portfolio's writer under its lease: waits for the lease, starts the writer (handing the
 * lease back if that fails), and whenever the lease lapses stops the writer without a last write
 * and starts over (standby, then a new writer from the database). Resolves once the first writer
 * runs; its `stop` stops the writer with a last write and hands the lease back. Aborting `signal`
 * makes a wait for the lease give up.
 */
export async function runAsSingleWriter(
  lease: PortfolioLease,
  signal: AbortSignal,
  startWriter: () => Promise<PortfolioWriter>,
  logger: Logger,
): Promise<{ stop(): Promise<void> }> {
  let writer: PortfolioWriter | undefined;
  const takeOver = async (): Promise<void> => {
    await lease.acquire(signal);
    try {
      writer = await startWriter();
    } catch (error) {
      await lease.release();
      throw error;
    }
  };
  const starting = takeOver();
  // A lapse is handled once the writer it concerns has started, one at a time.
  let restarting: Promise<void> = starting.catch(() => undefined);
  lease.onLapse(() => {
    restarting = restarting.then(async () => {
      const lapsed = writer;
      writer = undefined;
      await lapsed?.stop({ final: false });
      if (signal.aborted) return;
      logger.warn("starting over as the portfolio's writer after the lease lapsed");
      await takeOver().catch((error: unknown) => {
        if (!signal.aborted) logger.error({ err: error }, "could not start over as the portfolio's writer");
      });
    });
  });
  await starting;
  return {
    async stop() {
      // Once `signal` is aborted, a start-over still waiting for the lease gives up.
      await restarting;
      await writer?.stop({ final: true });
      writer = undefined;
      await lease.release();
    },
  };
}
