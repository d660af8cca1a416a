import type { Clock } from "../ports/clock";
import type { TradeSide } from "./portfolio";

/**
 * What approved but unfilled orders hold back, as the pre-trade check reads it:
 * - a pending BUY commits its cash (quantity × reserved price) and counts as exposure to its
 *   symbol at that cost; the cash and the exposure swap one for the other, so the total value
 *   does not move;
 * - a pending SELL commits its shares (they cannot be sold twice) but still counts as exposure
 *   until it fills, and its proceeds are not counted as cash: the order may never fill.
 * Both are the worst case for every limit, which is what lets approvals that run one after
 * another never jointly breach one.
 */
export interface ReservedExposure {
  /** Cash committed to pending BUYs. */
  readonly cash: number;
  /** Cash committed to pending BUYs of `symbol`. */
  buyCost(symbol: string): number;
  /** Shares of `symbol` in pending BUYs. */
  buyQuantity(symbol: string): number;
  /** Shares of `symbol` in pending SELLs. */
  sellQuantity(symbol: string): number;
  /** Every symbol with a pending BUY, in the order its first open reservation was made. */
  buySymbols(): Iterable<string>;
}

export interface Reservation {
  readonly id: string;
  readonly symbol: string;
  readonly side: TradeSide;
  /** Shares still to fill. */
  readonly quantity: number;
  /** The price the order was approved at; a BUY's committed cash is quantity × price. */
  readonly price: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly clientId?: string;
  readonly orderId?: string;
}

export interface ReservationRequest {
  readonly symbol: string;
  readonly side: TradeSide;
  readonly quantity: number;
  readonly price: number;
  /** Default: the book's `ttlMs`. */
  readonly ttlMs?: number;
  readonly clientId?: string;
  readonly orderId?: string;
}

interface SymbolTotals {
  buyQuantity: number;
  buyCost: number;
  sellQuantity: number;
  /** Open reservations of the symbol; at 0 the totals are dropped, so float residue never lingers. */
  open: number;
}

export interface ReservationBookOptions {
  readonly clock: Clock;
  /** How long an approval holds its exposure when nothing fills or cancels it; default 30 s. */
  readonly ttlMs?: number;
}

/**
 * The exposure of approved orders not yet filled, cancelled or expired, for one portfolio.
 *
 * An approval reserves (`reserve`) in the same synchronous step as the check that approved it,
 * and every later check reads the book (see `ReservedExposure`): with no await between the read
 * and the reservation, checks that run concurrently in one process are serialised, and none can
 * approve against capacity another has taken. A fill (`fill`, at the moment the portfolio books
 * it), a cancellation (`cancel`) or the TTL (`expiresAt`) hands the capacity back.
 *
 * Expired reservations are dropped lazily on every read and write (a min-heap on expiry, so
 * O(log n) each); totals per symbol are kept up to date, so a check reads them in O(1).
 */
export class ReservationBook implements ReservedExposure {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #open = new Map<string, Reservation>();
  readonly #totals = new Map<string, SymbolTotals>();
  /** [expiresAt, id], a binary min-heap; entries of reservations gone already are skipped. */
  #heap: [number, string][] = [];
  #cash = 0;
  #buys = 0;
  #sequence = 0;

  constructor(options: ReservationBookOptions) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? 30_000;
    if (!(Number.isFinite(this.#ttlMs) && this.#ttlMs > 0))
      throw new RangeError(`ttlMs must be positive, got ${this.#ttlMs}`);
  }

  /** Open reservations, after dropping the expired. */
  get size(): number {
    this.expire();
    return this.#open.size;
  }

  get cash(): number {
    this.expire();
    return this.#cash;
  }

  buyCost(symbol: string): number {
    this.expire();
    return this.#totals.get(symbol)?.buyCost ?? 0;
  }

  buyQuantity(symbol: string): number {
    this.expire();
    return this.#totals.get(symbol)?.buyQuantity ?? 0;
  }

  sellQuantity(symbol: string): number {
    this.expire();
    return this.#totals.get(symbol)?.sellQuantity ?? 0;
  }

  *buySymbols(): Iterable<string> {
    this.expire();
    for (const [symbol, totals] of this.#totals) if (totals.buyQuantity > 0) yield symbol;
  }

  get(id: string): Reservation | undefined {
    this.expire();
    return this.#open.get(id);
  }

  /** The open reservations, oldest first (e.g. to cancel at the venue when trading halts). */
  list(): Reservation[] {
    this.expire();
    return [...this.#open.values()];
  }

  reserve(request: ReservationRequest): Reservation {
    const { symbol, side, quantity, price } = request;
    if (!Number.isSafeInteger(quantity) || quantity < 1)
      throw new RangeError(`quantity must be a positive integer, got ${quantity}`);
    if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
    const ttlMs = request.ttlMs ?? this.#ttlMs;
    if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new RangeError(`ttlMs must be positive, got ${ttlMs}`);
    const now = this.#clock.now();
    this.expire();
    this.#sequence += 1;
    const reservation: Reservation = {
      id: `r${this.#sequence}`,
      symbol,
      side,
      quantity,
      price,
      createdAt: now,
      expiresAt: now + ttlMs,
      ...(request.clientId === undefined ? {} : { clientId: request.clientId }),
      ...(request.orderId === undefined ? {} : { orderId: request.orderId }),
    };
    this.#open.set(reservation.id, reservation);
    this.#push([reservation.expiresAt, reservation.id]);
    this.#add(reservation, 1);
    return reservation;
  }

  /**
   * Books `quantity` shares of the reservation as filled: they leave the book as the portfolio
   * takes them in. Returns the shares still reserved (0: the reservation is closed).
   */
  fill(id: string, quantity: number): number {
    this.expire();
    const reservation = this.#open.get(id);
    if (reservation === undefined) throw new RangeError(`no open reservation ${id}`);
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > reservation.quantity) {
      throw new RangeError(`fill of ${quantity} does not fit reservation ${id} of ${reservation.quantity}`);
    }
    this.#add(reservation, -1);
    const remaining = reservation.quantity - quantity;
    if (remaining === 0) {
      this.#open.delete(id);
      return 0;
    }
    const rest: Reservation = { ...reservation, quantity: remaining };
    this.#open.set(id, rest);
    this.#add(rest, 1);
    return remaining;
  }

  /** Releases what is left of a reservation; whether it was open. */
  cancel(id: string): boolean {
    this.expire();
    const reservation = this.#open.get(id);
    if (reservation === undefined) return false;
    this.#open.delete(id);
    this.#add(reservation, -1);
    return true;
  }

  /** Drops every reservation whose time is up; returns how many. */
  expire(): number {
    const now = this.#clock.now();
    let dropped = 0;
    for (let top = this.#heap[0]; top !== undefined && top[0] <= now; top = this.#heap[0]) {
      this.#pop();
      const reservation = this.#open.get(top[1]);
      if (reservation === undefined || reservation.expiresAt !== top[0]) continue;
      this.#open.delete(top[1]);
      this.#add(reservation, -1);
      dropped += 1;
    }
    // Entries of filled or cancelled reservations wait in the heap for their time; rebuild when
    // they outnumber the open ones, so the heap stays within twice the book.
    if (this.#heap.length > 64 && this.#heap.length > 2 * this.#open.size) this.#rebuild();
    return dropped;
  }

  #add(reservation: Reservation, sign: 1 | -1): void {
    const { symbol, side, quantity, price } = reservation;
    let totals = this.#totals.get(symbol);
    if (totals === undefined) {
      totals = { buyQuantity: 0, buyCost: 0, sellQuantity: 0, open: 0 };
      this.#totals.set(symbol, totals);
    }
    totals.open += sign;
    if (side === "BUY") {
      const cost = quantity * price;
      totals.buyQuantity += sign * quantity;
      totals.buyCost += sign * cost;
      this.#cash += sign * cost;
      this.#buys += sign;
      if (totals.buyQuantity === 0) totals.buyCost = 0;
      if (this.#buys === 0) this.#cash = 0;
    } else {
      totals.sellQuantity += sign * quantity;
    }
    if (totals.open === 0) this.#totals.delete(symbol);
  }

  #rebuild(): void {
    this.#heap = [...this.#open.values()].map((r): [number, string] => [r.expiresAt, r.id]);
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  #push(entry: [number, string]): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || p[0] <= entry[0]) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    this.#siftDown(0);
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const entry = heap[start];
    if (entry === undefined) return;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const l = heap[left];
      const r = heap[right];
      const child = r !== undefined && l !== undefined && r[0] < l[0] ? right : left;
      const c = heap[child];
      if (c === undefined || c[0] >= entry[0]) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = entry;
  }
}
