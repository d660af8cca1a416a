import type { Clock } from "../ports/clock";
import { DuplicateDetector } from "./duplicate-detector";
import { OrderThrottle, type ThrottleDecision } from "./order-throttle";
import type { RiskPortfolioView } from "./portfolio";
import {
  assertPreTradeProposal,
  type CorrelationOf,
  checkPreTrade,
  type PreTradeProposal,
  type PreTradeResult,
  type VarEstimator,
} from "./pre-trade-check";
import { type Reservation, ReservationBook } from "./reservations";
import type { RiskLimitSet } from "./risk-limits";
import type { TradingStateRecord } from "./trading-state";

/** The throttle's key for messages that name no client: they share one allowance. */
export const anonymousClient = "(anonymous)";

export interface PreTradeGateOptions {
  /** The live portfolio the gate guards (fills are booked into it by the caller, see `fill`). */
  readonly portfolio: RiskPortfolioView;
  readonly limits: RiskLimitSet;
  readonly tradingState: TradingStateRecord;
  readonly clock: Clock;
  /** How long an approval holds its exposure without a fill or cancellation; default 30 s. */
  readonly reservationTtlMs?: number;
  /** Default 10,000 (see `OrderThrottle`). */
  readonly maxClients?: number;
  /** Default 100,000 (see `DuplicateDetector`). */
  readonly maxDuplicateEntries?: number;
  /** Approved orders awaiting fills at most; past it new orders are THROTTLED. Default 10,000. */
  readonly maxOpenReservations?: number;
}

/** Market inputs for one check, gathered by the caller (they may take I/O to fetch). */
export interface MarketInputs {
  readonly lastPrice?: number;
  readonly varEstimate?: VarEstimator;
  readonly correlation?: CorrelationOf;
}

export interface GateDecision {
  readonly result: PreTradeResult;
  /** The exposure the approval holds until it fills, is cancelled or expires; null when refused. */
  readonly reservation: Reservation | null;
}

/**
 * The pre-trade controls of one portfolio, with their state: the limits in force, the trading
 * state, the per-client throttle, the duplicate detector and the reservations of approved orders.
 *
 * `check` is synchronous from reading the state to reserving the approval, so no other check in
 * the process can run in between: checks fired concurrently are answered one after another, each
 * seeing the reservations of those approved before it, and together they never breach a hard
 * limit. Several processes guarding one portfolio must route its checks to a single gate (one
 * writer per portfolio), or share the reservations with the same atomicity.
 *
 * Every well-formed message counts against its client's throttle, whatever the verdict (a
 * throttled one excepted); only approved orders are remembered for duplicate detection.
 */
export class PreTradeGate {
  readonly #portfolio: RiskPortfolioView;
  readonly #throttle: OrderThrottle;
  readonly #duplicates: DuplicateDetector;
  readonly #reservations: ReservationBook;
  readonly #maxOpen: number;
  #limits: RiskLimitSet;
  #state: TradingStateRecord;

  constructor(options: PreTradeGateOptions) {
    const { clock, limits } = options;
    this.#portfolio = options.portfolio;
    this.#limits = limits;
    this.#state = options.tradingState;
    this.#throttle = new OrderThrottle({
      ...limits.throttle,
      clock,
      ...(options.maxClients === undefined ? {} : { maxClients: options.maxClients }),
    });
    this.#duplicates = new DuplicateDetector({
      clock,
      windowMs: limits.duplicateWindowMs,
      ...(options.maxDuplicateEntries === undefined ? {} : { maxEntries: options.maxDuplicateEntries }),
    });
    this.#reservations = new ReservationBook({
      clock,
      ...(options.reservationTtlMs === undefined ? {} : { ttlMs: options.reservationTtlMs }),
    });
    this.#maxOpen = options.maxOpenReservations ?? 10_000;
  }

  get limits(): RiskLimitSet {
    return this.#limits;
  }

  get tradingState(): TradingStateRecord {
    return this.#state;
  }

  /** The open reservations, oldest first. */
  reservations(): Reservation[] {
    return this.#reservations.list();
  }

  /** Puts a new limit set in force for every later check. */
  setLimits(limits: RiskLimitSet): void {
    this.#limits = limits;
    this.#throttle.reconfigure(limits.throttle);
    this.#duplicates.windowMs = limits.duplicateWindowMs;
  }

  /** Puts a new trading state in force for every later check (see `transitionTradingState`). */
  setTradingState(record: TradingStateRecord): void {
    if (record.portfolioId !== this.#state.portfolioId) {
      throw new RangeError(`trading state of ${record.portfolioId} given to the gate of ${this.#state.portfolioId}`);
    }
    this.#state = record;
  }

  /**
   * Checks an order and, when approved, reserves its exposure. Throws a RangeError, counting
   * nothing, on a malformed proposal.
   */
  check(proposal: PreTradeProposal, market: MarketInputs = {}): GateDecision {
    assertPreTradeProposal(proposal);
    const open = this.#reservations.size;
    let throttle: ThrottleDecision;
    if (open >= this.#maxOpen) {
      const { perMs } = this.#throttle.limit;
      throttle = {
        allowed: false,
        inWindow: open,
        limit: this.#maxOpen,
        perMs,
        retryAfterMs: 0,
        reason: "open_orders",
      };
    } else {
      throttle = this.#throttle.tryAcquire(proposal.clientId ?? anonymousClient);
    }
    const duplicate = this.#duplicates.find(proposal);
    const result = checkPreTrade(this.#portfolio, proposal, this.#limits, {
      tradingState: this.#state.state,
      ...market,
      throttle,
      duplicate,
      reserved: this.#reservations,
    });
    if (!result.approved) return { result, reservation: null };
    this.#duplicates.record(proposal);
    const reservation = this.#reservations.reserve({
      symbol: proposal.symbol,
      side: proposal.side,
      quantity: proposal.quantity,
      price: proposal.price,
      ...(proposal.clientId === undefined ? {} : { clientId: proposal.clientId }),
      ...(proposal.orderId === undefined ? {} : { orderId: proposal.orderId }),
    });
    return { result, reservation };
  }

  /**
   * The answer `check` would give now (limits, trading state, open reservations) without taking
   * part: nothing is reserved, counted against the throttle or remembered as a possible
   * duplicate, so those two controls are `not_evaluated`.
   */
  preview(proposal: PreTradeProposal, market: MarketInputs = {}): PreTradeResult {
    assertPreTradeProposal(proposal);
    return checkPreTrade(this.#portfolio, proposal, this.#limits, {
      tradingState: this.#state.state,
      ...market,
      reserved: this.#reservations,
    });
  }

  /** Every symbol with a pending BUY (see `ReservedExposure.buySymbols`). */
  reservedBuySymbols(): Iterable<string> {
    return this.#reservations.buySymbols();
  }

  /**
   * Takes `quantity` filled shares out of a reservation. Call it in the same synchronous step as
   * booking the fill into the portfolio, so no check sees the shares twice or not at all.
   * Returns the shares still reserved.
   */
  fill(reservationId: string, quantity: number): number {
    return this.#reservations.fill(reservationId, quantity);
  }

  /** Releases an approval that will not be executed (cancelled, or refused by the venue). */
  cancel(reservationId: string): boolean {
    return this.#reservations.cancel(reservationId);
  }
}
