import type { Clock } from "../ports/clock";

/**
 * A clock that only moves when told to, for tests, backtests and replays: the same engines run
 * against it as against the system clock. Time never goes backwards, because the domain (TTLs,
 * bar windows, event timestamps) assumes it never does.
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(startMs = 0) {
    assertFinite(startMs, "start time");
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Jumps to `ms`; moving backwards throws. */
  set(ms: number): void {
    assertFinite(ms, "time");
    if (ms < this.#now) {
      throw new RangeError(`ManualClock cannot go backwards (from ${this.#now} to ${ms})`);
    }
    this.#now = ms;
  }

  /** Moves forward by `ms`; a negative step throws. */
  advance(ms: number): void {
    assertFinite(ms, "step");
    if (ms < 0) throw new RangeError(`ManualClock cannot go backwards (advance by ${ms})`);
    this.#now += ms;
  }
}

function assertFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`ManualClock: ${what} must be a finite number, got ${value}`);
}
