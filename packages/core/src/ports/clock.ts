/**
 * Time as the domain sees it. Live code gets the system clock; backtests and replays get a
 * clock they drive themselves, so the same engines run unchanged in all three.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
