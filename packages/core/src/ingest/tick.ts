import { z } from "zod";
import { marketTimeSchema } from "./market-time";

/** The ticker pattern of `barSchema`: a tick that could never become a valid bar is malformed. */
export const symbolSchema = z.string().regex(/^[A-Z][A-Z0-9.-]{0,15}$/, "a ticker of capitals, digits, '.' or '-'");

/**
 * One trade as the WebSocket feed sends it (documented in docs/data-sources.md):
 *
 *   { "type": "trade", "symbol": "QXAB", "price": 101.25, "size": 300,
 *     "time": "2026-01-05T14:30:00.123Z", "seq": 1234 }
 *
 * `time` is ISO 8601 with a zone or epoch ms; `seq` is optional and, when present, increases
 * strictly per symbol (a feed-wide counter qualifies). Unknown extra fields are ignored. The price
 * only has to be a finite number here: a non-positive one is its own rejection reason, counted
 * apart from malformed input.
 */
export const tickMessageSchema = z.object({
  type: z.literal("trade"),
  symbol: symbolSchema,
  price: z.number().finite(),
  size: z.number().finite().positive(),
  time: marketTimeSchema,
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});

/** A parsed trade: time in epoch ms. */
export interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly size: number;
  readonly time: number;
  readonly seq?: number;
}

/** Zod issues as one line: `price: expected number, received string; time: ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
}
