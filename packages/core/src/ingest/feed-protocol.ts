import { z } from "zod";
import { symbolSchema } from "./tick";

/*
 * The WebSocket tick feed's messages (docs/data-sources.md). Every message is one JSON text frame.
 *
 * Client -> server, after every (re)connection, when symbols are configured:
 *   { "type": "subscribe", "symbols": ["QXAB", "ZQTM"] }
 * Server -> client:
 *   a trade                { "type": "trade", "symbol": ..., "price": ..., "size": ..., "time": ..., "seq": ... }
 *   a batch of trades      [ { "type": "trade", ... }, ... ]
 *   a heartbeat            { "type": "heartbeat", "time": ... }        (any message proves liveness)
 *   a subscription ack     { "type": "subscribed", "symbols": [...] }
 *   an error notice        { "type": "error", "message": "..." }
 */

export const subscribeMessageSchema = z.object({
  type: z.literal("subscribe"),
  symbols: z.array(symbolSchema).min(1),
});

export type SubscribeMessage = z.output<typeof subscribeMessageSchema>;

export function subscribeMessage(symbols: readonly string[]): SubscribeMessage {
  return subscribeMessageSchema.parse({ type: "subscribe", symbols: [...symbols] });
}

const controlMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("heartbeat") }),
  z.object({ type: z.literal("subscribed"), symbols: z.array(z.string()).optional() }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);

export type FeedMessage =
  /** Candidate trades, each still to be checked by `TickGuard`. */
  | { readonly kind: "ticks"; readonly items: readonly unknown[] }
  | { readonly kind: "heartbeat" }
  | { readonly kind: "subscribed"; readonly symbols: readonly string[] }
  | { readonly kind: "error"; readonly message: string }
  /** Not JSON at all: the frame's text goes to the dead letter. */
  | { readonly kind: "unparseable"; readonly text: string; readonly detail: string };

/**
 * Classifies one text frame. Anything that is JSON but not a control message is a candidate
 * trade (an array is a batch of them), so a message of an unknown type is rejected by the guard
 * as malformed and counted, rather than silently dropped.
 */
export function parseFeedMessage(text: string): FeedMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: "unparseable", text, detail: error instanceof Error ? error.message : "not JSON" };
  }
  if (Array.isArray(json)) return { kind: "ticks", items: json };
  const control = controlMessageSchema.safeParse(json);
  if (!control.success) return { kind: "ticks", items: [json] };
  switch (control.data.type) {
    case "heartbeat":
      return { kind: "heartbeat" };
    case "subscribed":
      return { kind: "subscribed", symbols: control.data.symbols ?? [] };
    case "error":
      return { kind: "error", message: control.data.message };
  }
}
