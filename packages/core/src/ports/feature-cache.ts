import type { Closeable, Pingable } from "./health";

/**
 * The low-latency key-value store behind the feature store (Redis in services mode). Values are
 * opaque strings: the feature store owns serialisation, so a cache hit can be served without
 * re-encoding. Every entry carries a time-to-live.
 */
export interface FeatureCache extends Pingable, Closeable {
  get(key: string): Promise<string | null>;
  /** One round trip; the result is positionally aligned with `keys`. */
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** `ttlSeconds` must be a positive integer. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Whether a live entry was removed. */
  delete(key: string): Promise<boolean>;
  /** Remaining lifetime in whole seconds, or null when the key is absent or expired. */
  ttl(key: string): Promise<number | null>;
}
