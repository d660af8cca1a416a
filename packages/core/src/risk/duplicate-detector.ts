import type { Clock } from "../ports/clock";
import type { TradeSide } from "./portfolio";

/** What identifies an order for duplicate detection. */
export interface OrderIdentity {
  /** Absent: the anonymous client (one shared identity, so leaving it out evades nothing). */
  readonly clientId?: string;
  /** The client's own id for the order, unique per client. */
  readonly orderId?: string;
  readonly symbol: string;
  readonly side: TradeSide;
  readonly quantity: number;
  readonly price: number;
}

export type DuplicateCheck =
  | { readonly duplicate: false }
  | {
      readonly duplicate: true;
      /** `order_id`: the client reused an order id; `fingerprint`: the same order again. */
      readonly by: "order_id" | "fingerprint";
      /** Milliseconds since the earlier order. */
      readonly ageMs: number;
      readonly windowMs: number;
    };

/** The identity of the order's terms: client, symbol, side, quantity and price. */
export function orderFingerprint(order: OrderIdentity): string {
  // JSON keeps the parts apart whatever characters a client id or symbol holds.
  return JSON.stringify(["f", order.clientId ?? "", order.symbol, order.side, order.quantity, order.price]);
}

function orderIdKey(clientId: string | undefined, orderId: string): string {
  return JSON.stringify(["id", clientId ?? "", orderId]);
}

export interface DuplicateDetectorOptions {
  readonly clock: Clock;
  /** An order repeating one recorded less than this long ago is a duplicate; 0 turns detection off. */
  readonly windowMs: number;
  /** Keys remembered at most (two per order); default 100,000. */
  readonly maxEntries?: number;
}

/**
 * Remembers the orders recorded in the last `windowMs` and recognises a repeat: the same client
 * with the same order id, or the same client, symbol, side, quantity and price.
 *
 * Keys are kept in the order they were recorded, so expired ones are dropped from the front as
 * time passes (O(1) amortised per call). Memory is bounded by `maxEntries`; past it the oldest key
 * goes first (counted in `evicted`, to monitor: it means the window holds more orders than the
 * bound, which the message throttle should make impossible).
 */
export class DuplicateDetector {
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #seen = new Map<string, number>();
  #windowMs: number;
  #last = Number.NEGATIVE_INFINITY;
  #evicted = 0;

  constructor(options: DuplicateDetectorOptions) {
    this.#clock = options.clock;
    this.#maxEntries = options.maxEntries ?? 100_000;
    if (!(Number.isSafeInteger(this.#maxEntries) && this.#maxEntries >= 2)) {
      throw new RangeError(`maxEntries must be an integer of at least 2, got ${this.#maxEntries}`);
    }
    this.#windowMs = windowOf(options.windowMs);
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  set windowMs(value: number) {
    this.#windowMs = windowOf(value);
  }

  /** Keys remembered now. */
  get size(): number {
    return this.#seen.size;
  }

  /** Keys dropped before their window ended, to keep within `maxEntries`. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Whether `order` repeats one recorded within the window. */
  find(order: OrderIdentity): DuplicateCheck {
    const now = this.#now();
    this.#prune(now);
    if (order.orderId !== undefined) {
      const at = this.#seen.get(orderIdKey(order.clientId, order.orderId));
      if (at !== undefined) return { duplicate: true, by: "order_id", ageMs: now - at, windowMs: this.#windowMs };
    }
    const at = this.#seen.get(orderFingerprint(order));
    if (at !== undefined) return { duplicate: true, by: "fingerprint", ageMs: now - at, windowMs: this.#windowMs };
    return { duplicate: false };
  }

  /** Remembers `order` (an accepted one) from now until the window has passed. */
  record(order: OrderIdentity): void {
    if (this.#windowMs === 0) return;
    const now = this.#now();
    this.#prune(now);
    this.#remember(orderFingerprint(order), now);
    if (order.orderId !== undefined) this.#remember(orderIdKey(order.clientId, order.orderId), now);
  }

  #remember(key: string, now: number): void {
    // Re-inserting keeps the map in recording order.
    this.#seen.delete(key);
    this.#seen.set(key, now);
    while (this.#seen.size > this.#maxEntries) {
      for (const oldest of this.#seen.keys()) {
        this.#seen.delete(oldest);
        break;
      }
      this.#evicted += 1;
    }
  }

  #prune(now: number): void {
    const horizon = now - this.#windowMs;
    for (const [key, at] of this.#seen) {
      if (at > horizon) break;
      this.#seen.delete(key);
    }
  }

  /** The clock, never going back: a step back would otherwise break the recording order. */
  #now(): number {
    this.#last = Math.max(this.#last, this.#clock.now());
    return this.#last;
  }
}

function windowOf(value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 0))
    throw new RangeError(`windowMs must be a whole number ≥ 0, got ${value}`);
  return value;
}
