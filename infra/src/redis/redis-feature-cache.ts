import type { FeatureCache, Logger } from "@tradeops/core";
import { FailFastRedis } from "./redis-connection";

export interface RedisFeatureCacheOptions {
  readonly url: string;
  /** Namespace for every key, so the cache can share a Redis with BullMQ; default `tradeops:cache:`. */
  readonly keyPrefix?: string;
  readonly logger?: Logger;
  /** Bound on connecting; default 2 s. */
  readonly connectTimeoutMs?: number;
  /** Bound on a single command (a hung server); default 1 s. */
  readonly commandTimeoutMs?: number;
}

/**
 * The feature cache on Redis. With Redis down every call rejects at once rather than waiting, so
 * the feature store falls back to computing features directly (spec scenario 6); the connection
 * keeps retrying and the cache serves again as soon as Redis is back.
 */
export class RedisFeatureCache implements FeatureCache {
  readonly #redis: FailFastRedis;

  constructor(options: RedisFeatureCacheOptions) {
    this.#redis = new FailFastRedis({
      url: options.url,
      name: "tradeops-feature-cache",
      keyPrefix: options.keyPrefix ?? "tradeops:cache:",
      logger: options.logger,
      connectTimeoutMs: options.connectTimeoutMs,
      commandTimeoutMs: options.commandTimeoutMs,
    });
  }

  get(key: string): Promise<string | null> {
    return this.#redis.run((client) => client.get(key));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    // MGET with no key is a Redis syntax error; an empty request needs no round trip anyway.
    if (keys.length === 0) return [];
    return this.#redis.run((client) => client.mget(...keys));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
    }
    await this.#redis.run((client) => client.set(key, value, "EX", ttlSeconds));
  }

  async delete(key: string): Promise<boolean> {
    // DEL on a key whose TTL has passed expires it first and counts 0: only live entries count.
    return (await this.#redis.run((client) => client.del(key))) > 0;
  }

  async ttl(key: string): Promise<number | null> {
    // -2: absent or expired. -1: present without expiry, which this API never writes; treated as
    // absent rather than reported as an eternal lifetime the port cannot express.
    const seconds = await this.#redis.run((client) => client.ttl(key));
    return seconds >= 0 ? seconds : null;
  }

  ping(): Promise<void> {
    return this.#redis.ping();
  }

  close(): Promise<void> {
    return this.#redis.close();
  }
}
