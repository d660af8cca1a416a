import {
  type Bar,
  type Clock,
  type Logger,
  parseFeedMessage,
  silentLogger,
  subscribeMessage,
  systemClock,
  TickIngest,
} from "@tradeops/core";
import WebSocket from "ws";
import type { MarketSourceSink, RunningSource } from "./market-source";
import {
  defaultReconnectBackoff,
  type ReconnectBackoff,
  reconnectBackoffSchema,
  reconnectDelay,
} from "./reconnect-backoff";

export interface WebSocketTickSourceOptions {
  /** `ws://` or `wss://` URL of a feed speaking the tick protocol (docs/data-sources.md). */
  readonly url: string;
  /** Sent as `{ "type": "subscribe", "symbols": [...] }` after every connection; none sends nothing. */
  readonly symbols?: readonly string[];
  /** Label of rejections and metrics. Default `websocket`. */
  readonly source?: string;
  readonly backoff?: ReconnectBackoff;
  /** A ping goes out this often while connected. Default 10,000 ms. */
  readonly heartbeatIntervalMs?: number;
  /** No message and no pong for this long: the connection is dead, dropped and reopened. Default 30,000 ms. */
  readonly heartbeatTimeoutMs?: number;
  /** How long after a minute ends (in feed time) its bars wait for stragglers before they close. Default 2,000 ms. */
  readonly latenessMs?: number;
  /** How often closing minutes are checked. Default 250 ms. */
  readonly flushIntervalMs?: number;
  /** Opening handshake timeout. Default 10,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Larger frames are refused (the connection closes and reopens). Default 1 MiB. */
  readonly maxPayloadBytes?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Uniform in [0, 1): the backoff's jitter. */
  readonly random?: () => number;
}

interface WebSocketTickSourceStats {
  readonly connected: boolean;
  /** Connections opened so far. */
  readonly connections: number;
  /** Consecutive failed connections (reset by the first message of a connection). */
  readonly failures: number;
  readonly messages: number;
  readonly bars: number;
  readonly rejected: number;
}

export interface RunningTickSource extends RunningSource {
  stats(): WebSocketTickSourceStats;
}

/**
 * A client of the WebSocket tick feed: trades -> `TickGuard` -> `TickToBarAggregator` -> complete
 * 1min bars to the sink. Bad frames and trades go to `sink.rejected`; nothing the server sends can
 * stop the loop. The connection is reopened whenever it drops, after an exponential, jittered and
 * capped backoff, and re-subscribes; the guard's state survives reconnections, so ticks a server
 * resends are caught as duplicates. A connection that shows no sign of life (no message, no pong)
 * within `heartbeatTimeoutMs` is dropped and reopened.
 *
 * Bars close when the symbol trades in a later minute, or when the feed's clock passes the end
 * of the minute plus `latenessMs`. The feed's clock is the latest trade time plus the wall time
 * elapsed since it arrived, so history replayed by a feed closes minutes as a live feed would.
 * On `stop`, minutes complete by the feed's clock are delivered; a minute in progress is dropped.
 */
export function startWebSocketTickSource(
  options: WebSocketTickSourceOptions,
  sink: MarketSourceSink,
): RunningTickSource {
  const source = options.source ?? "websocket";
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const backoff = reconnectBackoffSchema.parse(options.backoff ?? defaultReconnectBackoff);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 30_000;
  const latenessMs = options.latenessMs ?? 2_000;
  const symbols = options.symbols ?? [];
  const subscription = symbols.length > 0 ? JSON.stringify(subscribeMessage(symbols)) : undefined;
  const ingest = new TickIngest({ source });

  let socket: WebSocket | undefined;
  let stopped = false;
  let connected = false;
  let connections = 0;
  let failures = 0;
  let messages = 0;
  let barsDelivered = 0;
  let rejected = 0;
  let lastActivity = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  /** The latest trade time and the wall time it arrived: the feed's clock. */
  let feedAnchor: { readonly tickTime: number; readonly wallTime: number } | undefined;

  const deliver = (bars: readonly Bar[]) => {
    if (bars.length === 0) return;
    barsDelivered += bars.length;
    // A live feed cannot wait for storage: a promise the sink returns is not awaited here.
    Promise.resolve(sink.bars(bars)).catch((error: unknown) => logger.error({ err: error }, "delivering bars failed"));
  };

  const feedNow = () => (feedAnchor ? feedAnchor.tickTime + (clock.now() - feedAnchor.wallTime) : undefined);

  const closeDueMinutes = (lateness: number) => {
    const now = feedNow();
    if (now !== undefined) deliver(ingest.flush(now - lateness));
  };
  const flushTimer = setInterval(() => closeDueMinutes(latenessMs), options.flushIntervalMs ?? 250);

  const onMessage = (text: string) => {
    messages++;
    lastActivity = clock.now();
    // The connection works: the next drop starts the backoff from the beginning.
    failures = 0;
    const receivedAt = clock.now();
    const message = parseFeedMessage(text);
    switch (message.kind) {
      case "unparseable":
        rejected++;
        sink.rejected(ingest.unparseable(text, message.detail, receivedAt));
        return;
      case "heartbeat":
        return;
      case "subscribed":
        logger.info({ symbols: message.symbols.length }, "feed subscription confirmed");
        return;
      case "error":
        logger.warn({ message: message.message }, "the feed reported an error");
        return;
      case "ticks": {
        const before = ingest.latestTime;
        const result = ingest.ticks(message.items, receivedAt);
        for (const rejection of result.rejections) sink.rejected(rejection);
        rejected += result.rejections.length;
        const latest = ingest.latestTime;
        if (latest !== undefined && latest !== before) feedAnchor = { tickTime: latest, wallTime: receivedAt };
        deliver(result.bars);
      }
    }
  };

  const scheduleReconnect = () => {
    if (stopped || reconnectTimer) return;
    const delay = reconnectDelay(failures, backoff, random);
    failures++;
    logger.info({ delayMs: Math.round(delay), failures }, "feed disconnected: reconnecting");
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, delay);
  };

  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(options.url, {
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      maxPayload: options.maxPayloadBytes ?? 1024 * 1024,
    });
    socket = ws;
    ws.on("open", () => {
      connected = true;
      connections++;
      lastActivity = clock.now();
      logger.info({ url: options.url, connections }, "feed connected");
      if (subscription) ws.send(subscription);
      heartbeatTimer = setInterval(
        () => {
          if (clock.now() - lastActivity > heartbeatTimeoutMs) {
            logger.warn({ silentMs: clock.now() - lastActivity }, "feed heartbeat timed out: dropping the connection");
            ws.terminate();
            return;
          }
          if (ws.readyState === WebSocket.OPEN) ws.ping();
        },
        Math.min(heartbeatIntervalMs, heartbeatTimeoutMs / 2),
      );
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        messages++;
        rejected++;
        sink.rejected(ingest.unparseable(`<${byteLength(data)} binary bytes>`, "binary frame", clock.now()));
        return;
      }
      onMessage(data.toString());
    });
    ws.on("pong", () => {
      lastActivity = clock.now();
    });
    // Every failure (refused, handshake timeout, oversized frame, reset) ends in `close`.
    ws.on("error", (error) => logger.warn({ err: error }, "feed connection error"));
    ws.on("close", () => {
      connected = false;
      clearInterval(heartbeatTimer);
      if (socket === ws) socket = undefined;
      scheduleReconnect();
    });
  };

  connect();

  return {
    stats: () => ({ connected, connections, failures, messages, bars: barsDelivered, rejected }),
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearInterval(flushTimer);
      const open = socket;
      if (open) {
        const closed = new Promise<void>((resolve) => open.once("close", () => resolve()));
        open.close(1000, "client stopping");
        // A peer that does not answer the closing handshake is cut off.
        const cutOff = setTimeout(() => open.terminate(), 1_000);
        await closed;
        clearTimeout(cutOff);
      }
      closeDueMinutes(0);
    },
  };
}

function byteLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
