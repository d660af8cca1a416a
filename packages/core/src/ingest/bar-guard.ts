import { z } from "zod";
import { type Bar, type Timeframe, timeframeMs } from "../market/bar";
import { marketTimeSchema } from "./market-time";
import { RecentKeys } from "./recent-keys";
import { type DataRejectionReason, type GuardResult, rejectInput } from "./rejection";
import { describeIssues, symbolSchema } from "./tick";

/** A plain decimal number as text (CSV fields): no hex, no `Infinity`, no `NaN`, no blanks. */
const decimalText = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const number = z.preprocess(
  (value) => (typeof value === "string" && decimalText.test(value) ? Number(value) : value),
  z.number().finite(),
);

/**
 * One bar as a file row gives it (a CSV record of strings, or a JSON Lines object): numbers may be
 * numbers or decimal text, `time` is ISO 8601 with a zone or epoch ms (as a number or digits).
 * Extra fields are ignored; a `timeframe`, when given, must be the source's.
 */
const barRowSchema = z.object({
  symbol: symbolSchema,
  time: z.preprocess(
    (value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value),
    marketTimeSchema,
  ),
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number.pipe(z.number().nonnegative()),
  timeframe: z.string().optional(),
});

export interface BarGuardOptions {
  /** The source label of every rejection (`replay`, ...). */
  readonly source: string;
  readonly timeframe?: Timeframe;
  /** Bar times remembered per symbol to tell a repeated bar from an old one. Default 1,024. */
  readonly recentTimes?: number;
}

interface SymbolState {
  lastTime: number;
  readonly recentTimes: RecentKeys<number>;
}

/**
 * The bar half of the bad-data policy, for sources that deliver bars (file replay). In order, a
 * row is rejected as:
 * - `malformed`: not the documented shape, or a time not on the timeframe's boundary;
 * - `non_positive_price`: open, high, low or close <= 0;
 * - `inconsistent_bar`: high < max(open, close) or low > min(open, close);
 * - `duplicate`: a bar of the same symbol and time was already accepted (among the last `recentTimes`);
 * - `out_of_order`: older than the symbol's last accepted bar.
 * Never throws for bad input.
 */
export class BarGuard {
  readonly #source: string;
  readonly #timeframe: Timeframe;
  readonly #recentTimes: number;
  readonly #symbols = new Map<string, SymbolState>();

  constructor(options: BarGuardOptions) {
    this.#source = options.source;
    this.#timeframe = options.timeframe ?? "1min";
    this.#recentTimes = options.recentTimes ?? 1_024;
  }

  /** Decides on one row and, when it is accepted, records it as the symbol's latest bar. */
  check(raw: unknown, receivedAt: number): GuardResult<Bar> {
    const reject = (reason: DataRejectionReason, detail: string): GuardResult<Bar> => ({
      ok: false,
      rejection: rejectInput({ source: this.#source, receivedAt, raw, reason, detail }),
    });
    const parsed = barRowSchema.safeParse(raw);
    if (!parsed.success) return reject("malformed", describeIssues(parsed.error));
    const { symbol, time, open, high, low, close, volume, timeframe } = parsed.data;
    if (timeframe !== undefined && timeframe !== this.#timeframe) {
      return reject("malformed", `timeframe ${timeframe} is not this source's ${this.#timeframe}`);
    }
    if (time % timeframeMs[this.#timeframe] !== 0) {
      return reject("malformed", `time ${new Date(time).toISOString()} is not on a ${this.#timeframe} boundary`);
    }
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      return reject("non_positive_price", `prices must be positive (o=${open} h=${high} l=${low} c=${close})`);
    }
    if (high < Math.max(open, close) || low > Math.min(open, close)) {
      return reject("inconsistent_bar", `low ${low} <= open ${open}, close ${close} <= high ${high} does not hold`);
    }
    const state = this.#symbols.get(symbol);
    if (state) {
      if (state.recentTimes.has(time)) {
        return reject("duplicate", `a ${symbol} bar at ${new Date(time).toISOString()} was already accepted`);
      }
      if (time < state.lastTime) {
        return reject("out_of_order", `${new Date(time).toISOString()} is before the last accepted ${symbol} bar`);
      }
    }
    const accepted = state ?? { lastTime: time, recentTimes: new RecentKeys<number>(this.#recentTimes) };
    if (!state) this.#symbols.set(symbol, accepted);
    accepted.lastTime = time;
    accepted.recentTimes.add(time);
    return { ok: true, value: { symbol, timeframe: this.#timeframe, time, open, high, low, close, volume } };
  }
}
