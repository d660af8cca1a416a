import type { Clock } from "../ports/clock";
import type { ThrottleLimit } from "./risk-limits";

/** The throttle's answer for one message. */
export interface ThrottleDecision {
  readonly allowed: boolean;
  /** Messages of the client already in the window, before this one. */
  readonly inWindow: number;
  readonly limit: number;
  readonly perMs: number;
  /** How long until a message would be admitted (0 when this one is). */
  readonly retryAfterMs: number;
  /**
   * Why a message is refused: the client's rate, a table full of active clients, or (set by
   * `PreTradeGate`) too many approved orders awaiting fills.
   */
  readonly reason: "rate" | "capacity" | "open_orders" | null;
}

/** One client's recent message times: a ring buffer of at most `limit` entries, oldest at `head`. */
interface ClientWindow {
  times: Float64Array;
  head: number;
  count: number;
  /** The latest time seen, so a clock stepping back never reopens the window. */
  last: number;
}

export interface OrderThrottleOptions extends ThrottleLimit {
  readonly clock: Clock;
  /** Clients tracked at most; default 10,000. */
  readonly maxClients?: number;
}

/**
 * A per-client message throttle over a sliding window: at most `maxMessages` admitted messages in
 * any `perMs` milliseconds (a message at t counts until t + perMs, exclusive).
 *
 * Each client keeps only the times of its last `maxMessages` admitted messages in a ring buffer,
 * so an admission costs O(1) amortised (each time is dropped from the window once) and memory is
 * `maxClients × maxMessages` times at most. Clients are kept in least-recently-admitted order; a
 * new client takes the place of one whose window is empty. When every tracked client is active
 * the new one is refused (`capacity`): failing closed, as a pre-trade control must, and only
 * possible when more than `maxClients` clients are sending at once.
 *
 * Refused messages do not count (a client that backs off gets through as soon as its window
 * allows).
 */
export class OrderThrottle {
  readonly #clock: Clock;
  readonly #maxClients: number;
  readonly #clients = new Map<string, ClientWindow>();
  #limit: number;
  #perMs: number;

  constructor(options: OrderThrottleOptions) {
    this.#clock = options.clock;
    this.#maxClients = options.maxClients ?? 10_000;
    if (!(Number.isSafeInteger(this.#maxClients) && this.#maxClients >= 1)) {
      throw new RangeError(`maxClients must be a positive integer, got ${this.#maxClients}`);
    }
    this.#limit = positiveInteger("maxMessages", options.maxMessages);
    this.#perMs = positiveInteger("perMs", options.perMs);
  }

  /** Clients tracked now. */
  get size(): number {
    return this.#clients.size;
  }

  get limit(): ThrottleLimit {
    return { maxMessages: this.#limit, perMs: this.#perMs };
  }

  /** Whether a message from `clientId` would be admitted now, without counting it. */
  peek(clientId: string): ThrottleDecision {
    return this.#decide(clientId, false);
  }

  /** Admits and counts a message from `clientId`, or refuses it (not counted). */
  tryAcquire(clientId: string): ThrottleDecision {
    return this.#decide(clientId, true);
  }

  /**
   * New limits (a limit set revision), keeping each client's latest admitted messages so a
   * change never hands out a fresh allowance.
   */
  reconfigure(limit: ThrottleLimit): void {
    const max = positiveInteger("maxMessages", limit.maxMessages);
    this.#perMs = positiveInteger("perMs", limit.perMs);
    if (max === this.#limit) return;
    for (const window of this.#clients.values()) {
      const keep = Math.min(window.count, max);
      const times = new Float64Array(max);
      for (let i = 0; i < keep; i++) {
        times[i] = window.times[(window.head + window.count - keep + i) % this.#limit] ?? 0;
      }
      window.times = times;
      window.head = 0;
      window.count = keep;
    }
    this.#limit = max;
  }

  #decide(clientId: string, record: boolean): ThrottleDecision {
    const existing = this.#clients.get(clientId);
    const now = Math.max(this.#clock.now(), existing?.last ?? Number.NEGATIVE_INFINITY);
    const decision = (
      allowed: boolean,
      inWindow: number,
      retryAfterMs: number,
      reason: ThrottleDecision["reason"],
    ) => ({
      allowed,
      inWindow,
      limit: this.#limit,
      perMs: this.#perMs,
      retryAfterMs,
      reason,
    });
    if (existing === undefined) {
      if (this.#clients.size >= this.#maxClients && !this.#evictIdle(now)) {
        return decision(false, 0, this.#retryAfterCapacity(now), "capacity");
      }
      if (record) {
        const window: ClientWindow = { times: new Float64Array(this.#limit), head: 0, count: 1, last: now };
        window.times[0] = now;
        this.#clients.set(clientId, window);
      }
      return decision(true, 0, 0, null);
    }
    const horizon = now - this.#perMs;
    while (existing.count > 0 && (existing.times[existing.head] ?? 0) <= horizon) {
      existing.head = (existing.head + 1) % this.#limit;
      existing.count -= 1;
    }
    if (existing.count >= this.#limit) {
      const oldest = existing.times[existing.head] ?? now;
      return decision(false, existing.count, oldest + this.#perMs - now, "rate");
    }
    const inWindow = existing.count;
    if (record) {
      existing.times[(existing.head + existing.count) % this.#limit] = now;
      existing.count += 1;
      existing.last = now;
      // Re-inserting moves the client to the most recently admitted end.
      this.#clients.delete(clientId);
      this.#clients.set(clientId, existing);
    }
    return decision(true, inWindow, 0, null);
  }

  /** Drops the least recently admitted client if its window is empty; whether it did. */
  #evictIdle(now: number): boolean {
    for (const [clientId, window] of this.#clients) {
      if (window.last > now - this.#perMs) return false;
      this.#clients.delete(clientId);
      return true;
    }
    return false;
  }

  #retryAfterCapacity(now: number): number {
    for (const window of this.#clients.values()) return Math.max(0, window.last + this.#perMs - now);
    return 0;
  }
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value >= 1))
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
