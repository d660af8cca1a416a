import { RecentKeys } from "./recent-keys";
import { type DataRejectionReason, type GuardResult, rejectInput } from "./rejection";
import { describeIssues, type Tick, tickMessageSchema } from "./tick";

export interface TickGuardOptions {
  /** The source label of every rejection (`websocket`, ...). */
  readonly source: string;
  /** Sequence numbers remembered per symbol to recognise a resent tick. Default 4,096. */
  readonly recentSequences?: number;
}

interface SymbolState {
  lastTime: number;
  lastSeq: number | undefined;
  readonly recentSeqs: RecentKeys<number>;
  /** Price and size of the seq-less ticks accepted at `lastTime`. */
  readonly atLastTime: RecentKeys<string>;
}

/** Distinct seq-less trades remembered within one millisecond. */
const sameTimeCapacity = 1_024;

/**
 * The tick half of the bad-data policy, applied to every trade before it reaches the bar
 * aggregator. In order, a tick is rejected as:
 * - `malformed`: not the documented trade shape (see `tickMessageSchema`);
 * - `non_positive_price`: price <= 0;
 * - `duplicate`: its `seq` was already accepted for the symbol (among the last `recentSequences`),
 *   or, without a `seq`, a trade of the same time, price and size was already accepted;
 * - `out_of_order`: its time is before the symbol's last accepted one, or its `seq` below the last;
 * - `late`: its time is before `notBefore`, the start of the first minute whose bar is still open.
 * Several trades in the same millisecond are normal and accepted. A guard never throws for bad
 * input: everything comes back as a result.
 */
export class TickGuard {
  readonly #source: string;
  readonly #recentSequences: number;
  readonly #symbols = new Map<string, SymbolState>();

  constructor(options: TickGuardOptions) {
    this.#source = options.source;
    this.#recentSequences = options.recentSequences ?? 4_096;
  }

  /**
   * Decides on one item of a feed message (already JSON-parsed) and, when it is accepted,
   * records it as the symbol's latest.
   */
  check(raw: unknown, receivedAt: number, notBefore = Number.NEGATIVE_INFINITY): GuardResult<Tick> {
    const reject = (reason: DataRejectionReason, detail: string): GuardResult<Tick> => ({
      ok: false,
      rejection: rejectInput({ source: this.#source, receivedAt, raw, reason, detail }),
    });
    const parsed = tickMessageSchema.safeParse(raw);
    if (!parsed.success) return reject("malformed", describeIssues(parsed.error));
    const { symbol, price, size, time, seq } = parsed.data;
    if (price <= 0) return reject("non_positive_price", `price ${price} is not positive`);

    const state = this.#symbols.get(symbol);
    const sameTimeKey = `${price}|${size}`;
    if (state) {
      if (
        seq !== undefined ? state.recentSeqs.has(seq) : time === state.lastTime && state.atLastTime.has(sameTimeKey)
      ) {
        return reject("duplicate", seq !== undefined ? `seq ${seq} already accepted` : "same time, price and size");
      }
      if (time < state.lastTime) {
        return reject("out_of_order", `time ${new Date(time).toISOString()} is before the last accepted one`);
      }
      if (seq !== undefined && state.lastSeq !== undefined && seq < state.lastSeq) {
        return reject("out_of_order", `seq ${seq} is below the last accepted ${state.lastSeq}`);
      }
    }
    if (time < notBefore) {
      return reject("late", `the bar of ${new Date(time).toISOString()} was already closed`);
    }

    const accepted = state ?? this.#newState(symbol, time);
    if (time !== accepted.lastTime) accepted.atLastTime.clear();
    accepted.lastTime = time;
    if (seq === undefined) accepted.atLastTime.add(sameTimeKey);
    else {
      accepted.lastSeq = seq;
      accepted.recentSeqs.add(seq);
    }
    return { ok: true, value: seq === undefined ? { symbol, price, size, time } : { symbol, price, size, time, seq } };
  }

  #newState(symbol: string, time: number): SymbolState {
    const state: SymbolState = {
      lastTime: time,
      lastSeq: undefined,
      recentSeqs: new RecentKeys(this.#recentSequences),
      atLastTime: new RecentKeys(sameTimeCapacity),
    };
    this.#symbols.set(symbol, state);
    return state;
  }
}
