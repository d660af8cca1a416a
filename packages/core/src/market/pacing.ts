import { type Timeframe, timeframeMs } from "./bar";

/**
 * When a live loop should produce simulated intervals: interval i (0-based) is due at
 * `firstDueAt + i · intervalMs`. Anchoring every due time to the first one keeps a slow or late
 * timer from drifting the schedule; the loop just produces whatever `stepsDue` says it owes.
 */
export interface PaceSchedule {
  readonly firstDueAt: number;
  readonly intervalMs: number;
}

/** A schedule producing `stepsPerSecond` intervals per second of wall-clock time, starting at `startAt`. */
export function acceleratedSchedule(startAt: number, stepsPerSecond: number): PaceSchedule {
  if (!(stepsPerSecond > 0) || !Number.isFinite(stepsPerSecond)) {
    throw new RangeError(`stepsPerSecond must be a positive number, got ${stepsPerSecond}`);
  }
  return { firstDueAt: startAt, intervalMs: 1000 / stepsPerSecond };
}

/** A schedule releasing each bar the moment it is complete: bar time t is due at t + timeframe. */
export function realTimeSchedule(firstBarTime: number, timeframe: Timeframe): PaceSchedule {
  return { firstDueAt: firstBarTime + timeframeMs[timeframe], intervalMs: timeframeMs[timeframe] };
}

/** The time interval `index` is due. */
export function dueTime(schedule: PaceSchedule, index: number): number {
  return schedule.firstDueAt + index * schedule.intervalMs;
}

/** How many intervals are due by `now` in total (those with due time <= now). */
export function stepsDue(schedule: PaceSchedule, now: number): number {
  if (now < schedule.firstDueAt) return 0;
  return Math.floor((now - schedule.firstDueAt) / schedule.intervalMs) + 1;
}

/** The open time of the bar in progress at `time`: `time` rounded down to the timeframe. */
export function barStartContaining(time: number, timeframe: Timeframe): number {
  const ms = timeframeMs[timeframe];
  return Math.floor(time / ms) * ms;
}

/**
 * The `startTime` for a simulator that should first produce `bars` complete bars of history ending
 * at or before `now`, after which its next bar is the one in progress at `now`.
 */
export function historyStartTime(now: number, bars: number, timeframe: Timeframe): number {
  if (!Number.isInteger(bars) || bars < 0) throw new RangeError(`bars must be an integer >= 0, got ${bars}`);
  return barStartContaining(now, timeframe) - bars * timeframeMs[timeframe];
}
