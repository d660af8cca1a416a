import { type Logger, silentLogger } from "@tradeops/core";
import { Redis } from "ioredis";

export interface FailFastRedisOptions {
  readonly url: string;
  /** Shown in `CLIENT LIST`, and in log lines. */
  readonly name: string;
  readonly logger?: Logger;
  /** ioredis's key prefix, applied to every key argument. */
  readonly keyPrefix?: string;
  /** Bound on the first connection and on each reconnection attempt; default 2 s. */
  readonly connectTimeoutMs?: number;
  /** A command without a reply after this rejects (a hung server); default 1 s. */
  readonly commandTimeoutMs?: number;
}

/** Reconnection backoff: 50 ms doubling to a 1 s cap, so a returning Redis is picked up within a second. */
function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 10), 1_000);
}

/**
 * An ioredis client for callers that have a fallback (the feature store recomputes on a cache
 * failure): with Redis down, commands reject at once instead of queueing until it returns, and
 * the client keeps reconnecting in the background so service resumes by itself.
 *
 * The offline queue is off, so the one moment a command would fail spuriously is the very first
 * connection after construction; `run` waits for that attempt (bounded by the connect timeout).
 */
export class FailFastRedis {
  readonly client: Redis;
  readonly #logger: Logger;
  readonly #name: string;
  #lastError: string | undefined;
  #firstConnect: Promise<void> | null;
  #up = false;
  #closed = false;

  constructor(options: FailFastRedisOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#name = options.name;
    const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
    this.client = new Redis(options.url, {
      connectionName: options.name,
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      retryStrategy: reconnectDelayMs,
    });
    this.#firstConnect = new Promise<void>((resolve) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.client.off("ready", settle).off("error", settle).off("end", settle);
        this.#firstConnect = null;
        resolve();
      };
      const timer = setTimeout(settle, connectTimeoutMs);
      timer.unref();
      this.client.once("ready", settle).once("error", settle).once("end", settle);
    });
    this.client.on("ready", () => {
      if (!this.#up) this.#logger.info({ connection: options.name }, "redis connection ready");
      this.#up = true;
      this.#lastError = undefined;
    });
    this.client.on("error", (error: Error) => {
      // A listener is mandatory (ioredis would otherwise crash the process); log the transition
      // from up to down once rather than every failed reconnection attempt.
      if (this.#up) {
        this.#logger.warn({ connection: options.name, err: error.message }, "redis connection lost; reconnecting");
      } else {
        this.#logger.debug({ connection: options.name, err: error.message }, "redis unavailable");
      }
      this.#up = false;
      this.#lastError = error.message;
    });
  }

  /** Runs a command; rejects immediately while Redis is unreachable. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (this.#firstConnect && this.client.status !== "ready") await this.#firstConnect;
    // A dropped socket can still read "ready" until ioredis handles its close event.
    const usable = this.client.status === "ready" && this.client.stream?.writable === true;
    if (!usable && !this.#closed) {
      // What ioredis would say ("Stream isn't writeable") hides the cause; name it instead.
      throw new Error(`redis (${this.#name}) unavailable: ${this.#lastError ?? "connection lost"}`);
    }
    return command(this.client);
  }

  /** A real PING round trip, bounded by the command timeout. */
  async ping(): Promise<void> {
    const reply = await this.run((client) => client.ping());
    if (reply !== "PONG") throw new Error(`unexpected PING reply ${String(reply)}`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#up = false;
    if (this.client.status === "ready") {
      try {
        await this.client.quit();
        return;
      } catch {
        // Fall through: the connection dropped while quitting.
      }
    }
    this.client.disconnect();
  }
}
