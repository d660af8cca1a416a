import { z } from "zod";

export const timeframes = ["1min", "5min", "1hour"] as const;
export type Timeframe = (typeof timeframes)[number];

export const timeframeMs: Readonly<Record<Timeframe, number>> = {
  "1min": 60_000,
  "5min": 5 * 60_000,
  "1hour": 60 * 60_000,
};

/**
 * One OHLCV bar. `time` is the bar's OPEN time (epoch ms); the bar is complete, and only then
 * usable by anything downstream, at `time + timeframeMs[timeframe]`. Everything computed from a
 * bar is stamped with that completion time, which is what keeps the pipeline free of lookahead.
 */
export interface Bar {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const positive = z.number().finite().positive();

/** A well-formed bar: finite positive prices, low <= open/close <= high, non-negative volume. */
export const barSchema = z
  .object({
    symbol: z.string().regex(/^[A-Z][A-Z0-9.-]{0,15}$/, "a ticker of capitals, digits, '.' or '-'"),
    timeframe: z.enum(timeframes),
    time: z.number().int().nonnegative(),
    open: positive,
    high: positive,
    low: positive,
    close: positive,
    volume: z.number().finite().nonnegative(),
  })
  .refine((bar) => bar.low <= Math.min(bar.open, bar.close) && bar.high >= Math.max(bar.open, bar.close), {
    message: "low must be <= open and close, high >= open and close",
  });

export function barEndTime(bar: Pick<Bar, "time" | "timeframe">): number {
  return bar.time + timeframeMs[bar.timeframe];
}
