import { ConfigError } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runtimeEnvShape } from "../runtime/runtime-env";
import { marketSourceConfig } from "./market-source-config";

const parse = (variables: Record<string, string>) => z.object(runtimeEnvShape).safeParse(variables);
const config = (variables: Record<string, string>) => {
  const env = parse(variables);
  if (!env.success) throw new Error(z.prettifyError(env.error));
  return marketSourceConfig(env.data);
};

describe("the market source configuration", () => {
  it("defaults to the simulator", () => {
    expect(config({})).toEqual({ kind: "simulator" });
  });

  it("reads a replay: a file and a speed (60 by default, a positive number, or max)", () => {
    expect(config({ MARKET_SOURCE: "replay", REPLAY_FILE: "bars.csv" })).toEqual({
      kind: "replay",
      file: "bars.csv",
      speed: 60,
    });
    expect(config({ MARKET_SOURCE: "replay", REPLAY_FILE: "b.jsonl", REPLAY_SPEED: "max" })).toMatchObject({
      speed: "max",
    });
    expect(config({ MARKET_SOURCE: "replay", REPLAY_FILE: "b.jsonl", REPLAY_SPEED: "0.5" })).toMatchObject({
      speed: 0.5,
    });
    for (const speed of ["0", "-1", "fast", "1e3", ""]) expect(parse({ REPLAY_SPEED: speed }).success).toBe(false);
    expect(() => config({ MARKET_SOURCE: "replay" })).toThrow(ConfigError);
    expect(() => config({ MARKET_SOURCE: "replay" })).toThrow(/REPLAY_FILE/);
  });

  it("reads a feed: URL, symbols and the reconnection and heartbeat settings", () => {
    expect(
      config({
        MARKET_SOURCE: "websocket",
        FEED_URL: "wss://feed.example:9443/ticks",
        FEED_SYMBOLS: "QVXL,BRK.B",
        FEED_RECONNECT_INITIAL_MS: "250",
        FEED_RECONNECT_MAX_MS: "10000",
        FEED_HEARTBEAT_TIMEOUT_MS: "5000",
        FEED_LATENESS_MS: "0",
      }),
    ).toEqual({
      kind: "websocket",
      url: "wss://feed.example:9443/ticks",
      symbols: ["QVXL", "BRK.B"],
      backoff: { initialMs: 250, maxMs: 10_000, jitter: 0.5 },
      heartbeatTimeoutMs: 5_000,
      latenessMs: 0,
    });
    expect(config({ MARKET_SOURCE: "websocket", FEED_URL: "ws://127.0.0.1:8765" })).toMatchObject({
      symbols: [],
      backoff: { initialMs: 500, maxMs: 30_000 },
      heartbeatTimeoutMs: 30_000,
      latenessMs: 2_000,
    });
    expect(parse({ FEED_URL: "http://feed.example" }).success).toBe(false);
    expect(parse({ FEED_SYMBOLS: "qvxl" }).success).toBe(false);
    expect(parse({ FEED_SYMBOLS: "QVXL,,ZENQ" }).success).toBe(false);
    expect(parse({ MARKET_SOURCE: "kafka" }).success).toBe(false);
    expect(() => config({ MARKET_SOURCE: "websocket" })).toThrow(/FEED_URL/);
    expect(() =>
      config({
        MARKET_SOURCE: "websocket",
        FEED_URL: "ws://x:1",
        FEED_RECONNECT_INITIAL_MS: "5000",
        FEED_RECONNECT_MAX_MS: "1000",
      }),
    ).toThrow(/FEED_RECONNECT_MAX_MS/);
  });
});
