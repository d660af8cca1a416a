import type { Logger, RiskControlRepository } from "@tradeops/core";

export interface PortfolioLeaseOptions {
  readonly repository: RiskControlRepository;
  readonly portfolioId: string;
  readonly holder: string;
  readonly logger: Logger;
  /** How long the lease lasts unrenewed; default 15 s (renewed every third of it). */
  readonly ttlMs?: number;
}

/**
 * The single-writer lease of a portfolio: one process at a time runs its decision engine and its
 * pre-trade gate (the only place its orders are approved), so concurrent approvals are serialised
 * by one in-memory reservation book and can never jointly breach a limit. Another process that
 * wants the portfolio waits in standby and takes over once the lease expires (its holder died) or
 * is released (its holder stopped).
 *
 * While held, the lease is renewed every third of its TTL; a renewal that fails (database down,
 * or the lease taken over after a long pause) reports `held = false` at once, so the gate stops
 * approving before another process can have taken over (the TTL is three renewal periods).
 */
export class PortfolioLease {
  readonly #o: PortfolioLeaseOptions;
  readonly #ttlMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #held = false;
  #listener: ((held: boolean) => void) | undefined;

  constructor(options: PortfolioLeaseOptions) {
    this.#o = options;
    this.#ttlMs = options.ttlMs ?? 15_000;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Called whenever the lease is lost or regained after `acquire`. */
  onChange(listener: (held: boolean) => void): void {
    this.#listener = listener;
  }

  /** Waits (polling every third of the TTL) until this process holds the lease, then keeps renewing it. */
  async acquire(signal: AbortSignal): Promise<void> {
    const { repository, portfolioId, holder, logger } = this.#o;
    let announced = false;
    for (;;) {
      signal.throwIfAborted();
      const held = await repository.acquireLease(portfolioId, holder, this.#ttlMs).catch((error: unknown) => {
        logger.warn({ err: error }, "portfolio lease: could not ask the database");
        return false;
      });
      if (held) break;
      if (!announced) logger.info({ portfolio: portfolioId }, "another process holds the portfolio: standing by");
      announced = true;
      await new Promise((done) => setTimeout(done, this.#ttlMs / 3));
    }
    this.#held = true;
    logger.info({ portfolio: portfolioId, holder }, "portfolio lease held: this process is its single writer");
    this.#timer = setInterval(() => void this.#renew(), this.#ttlMs / 3);
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    const { repository, portfolioId, holder, logger } = this.#o;
    const held = await repository.acquireLease(portfolioId, holder, this.#ttlMs).catch(() => false);
    if (held === this.#held) return;
    this.#held = held;
    if (held) logger.info({ portfolio: portfolioId }, "portfolio lease regained");
    else logger.error({ portfolio: portfolioId }, "portfolio lease lost: approvals suspended");
    this.#listener?.(held);
  }

  /** Stops renewing and hands the lease back, so a standby process takes over at once. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#held) return;
    this.#held = false;
    await this.#o.repository
      .releaseLease(this.#o.portfolioId, this.#o.holder)
      .catch((error: unknown) => this.#o.logger.warn({ err: error }, "portfolio lease not released; it will expire"));
  }
}
