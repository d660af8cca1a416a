import { Ema } from "./ema";
import { assertFiniteInput, assertPeriod, type Indicator } from "./indicator";

export interface MacdValue {
  /** EMA(fast) − EMA(slow) of the price. */
  readonly macd: number;
  /** EMA(signal) of the MACD line, seeded by the SMA of its first `signal` values. */
  readonly signal: number;
  /** macd − signal. */
  readonly histogram: number;
}

/**
 * Moving Average Convergence/Divergence (Appel), default 12/26/9, every EMA seeded by an SMA.
 * The MACD line exists from the `slow`-th price; the signal (and so the full value) from the
 * (slow + signal − 1)-th, since the signal EMA needs `signal` MACD values to seed. `warmup` is
 * that of the full value; `macdLine()` serves the line alone from `macdLineWarmup`.
 */
export class Macd implements Indicator<number, MacdValue> {
  readonly name: string;
  readonly warmup: number;
  readonly macdLineWarmup: number;
  readonly #fast: Ema;
  readonly #slow: Ema;
  readonly #signal: Ema;
  #line: number | undefined;
  #value: MacdValue | undefined;

  constructor(fast = 12, slow = 26, signal = 9) {
    assertPeriod("Macd fast period", fast);
    assertPeriod("Macd signal period", signal);
    if (!Number.isInteger(slow) || slow <= fast) {
      throw new RangeError(`Macd slow period must be an integer > fast (${fast}), got ${slow}`);
    }
    this.name = `macd(${fast},${slow},${signal})`;
    this.macdLineWarmup = slow;
    this.warmup = slow + signal - 1;
    this.#fast = new Ema(fast);
    this.#slow = new Ema(slow);
    this.#signal = new Ema(signal);
  }

  update(price: number): MacdValue | undefined {
    assertFiniteInput(this.name, price);
    const fast = this.#fast.update(price);
    const slow = this.#slow.update(price);
    // The fast EMA is always ready by the time the slow one is (fast < slow).
    if (fast === undefined || slow === undefined) return undefined;
    const line = fast - slow;
    this.#line = line;
    const signal = this.#signal.update(line);
    if (signal === undefined) return undefined;
    this.#value = { macd: line, signal, histogram: line - signal };
    return this.#value;
  }

  /** The MACD line alone, defined from the `macdLineWarmup`-th price. */
  macdLine(): number | undefined {
    return this.#line;
  }

  value(): MacdValue | undefined {
    return this.#value;
  }

  isReady(): boolean {
    return this.#value !== undefined;
  }

  reset(): void {
    this.#fast.reset();
    this.#slow.reset();
    this.#signal.reset();
    this.#line = undefined;
    this.#value = undefined;
  }
}
