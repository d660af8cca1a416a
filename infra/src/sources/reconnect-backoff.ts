import { z } from "zod";

export const reconnectBackoffSchema = z
  .object({
    /** Delay ceiling of the first retry. */
    initialMs: z.number().int().min(1),
    /** Cap of every delay, whatever the number of failures. */
    maxMs: z.number().int().min(1),
    /** Fraction of the delay taken off at random, in [0, 1]: 0.5 spreads a retry over [d/2, d]. */
    jitter: z.number().min(0).max(1),
  })
  .refine((backoff) => backoff.maxMs >= backoff.initialMs, { message: "maxMs must be >= initialMs" });

export type ReconnectBackoff = z.output<typeof reconnectBackoffSchema>;

export const defaultReconnectBackoff: ReconnectBackoff = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };

/**
 * Delay before reconnection attempt `failures` + 1: exponential, d = min(maxMs, initialMs · 2^failures),
 * less a random share of up to `jitter` of it, so many clients dropped together do not all come
 * back in the same instant. Always within [d · (1 − jitter), d] and never above `maxMs`.
 */
export function reconnectDelay(failures: number, backoff: ReconnectBackoff, random: () => number): number {
  // 2^failures overflows to Infinity long after the cap is reached; min() keeps it finite.
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, failures));
  return ceiling * (1 - backoff.jitter * Math.min(1, Math.max(0, random())));
}
