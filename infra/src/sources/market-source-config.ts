import { ConfigError } from "@tradeops/core";
import type { RuntimeEnv } from "../runtime/runtime-env";
import type { ReplaySpeed } from "./file-replay-source";
import type { ReconnectBackoff } from "./reconnect-backoff";

export type MarketSourceConfig =
  | { readonly kind: "simulator" }
  | { readonly kind: "replay"; readonly file: string; readonly speed: ReplaySpeed }
  | {
      readonly kind: "websocket";
      readonly url: string;
      readonly symbols: readonly string[];
      readonly backoff: ReconnectBackoff;
      readonly heartbeatTimeoutMs: number;
      readonly latenessMs: number;
    };

/**
 * The market role's source, from MARKET_SOURCE and the variables that source needs; a missing
 * one is a configuration error naming it, raised when the role starts.
 */
export function marketSourceConfig(env: RuntimeEnv): MarketSourceConfig {
  switch (env.MARKET_SOURCE) {
    case "simulator":
      return { kind: "simulator" };
    case "replay":
      if (env.REPLAY_FILE === undefined) {
        throw new ConfigError("market", [
          "REPLAY_FILE: required when MARKET_SOURCE=replay (a .csv or .jsonl bar file)",
        ]);
      }
      return { kind: "replay", file: env.REPLAY_FILE, speed: env.REPLAY_SPEED };
    case "websocket": {
      const problems: string[] = [];
      if (env.FEED_URL === undefined)
        problems.push("FEED_URL: required when MARKET_SOURCE=websocket (ws:// or wss://)");
      if (env.FEED_RECONNECT_MAX_MS < env.FEED_RECONNECT_INITIAL_MS) {
        problems.push("FEED_RECONNECT_MAX_MS: must be >= FEED_RECONNECT_INITIAL_MS");
      }
      if (env.FEED_URL === undefined || problems.length > 0) throw new ConfigError("market", problems);
      return {
        kind: "websocket",
        url: env.FEED_URL,
        symbols: env.FEED_SYMBOLS ?? [],
        backoff: { initialMs: env.FEED_RECONNECT_INITIAL_MS, maxMs: env.FEED_RECONNECT_MAX_MS, jitter: 0.5 },
        heartbeatTimeoutMs: env.FEED_HEARTBEAT_TIMEOUT_MS,
        latenessMs: env.FEED_LATENESS_MS,
      };
    }
  }
}
