import { type Clock, systemClock } from "../ports/clock";
import type { FeatureCache } from "../ports/feature-cache";

export interface MemoryFeatureCacheOptions {
  /** Time against which TTLs run; a ManualClock makes expiry deterministic in tests and replays. */
  readonly clock?: Clock;
  /** Past this many entries the least recently used one is evicted (Redis's `allkeys-lru`). */
  readonly maxEntries?: number;
  /** How often expired entries are swept; default 30 s. Reads purge lazily in between. */
  readonly sweepIntervalMs?: number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

const defaultMaxEntries = 100_000;

/**
 * The embedded twin of the Redis feature cache: a Map in insertion order doubles as the LRU list
 * (a hit moves the entry to the end, eviction takes from the front). TTLs follow Redis: an entry
 * lives for exactly `ttlSeconds`, and `ttl()` rounds the remaining time to the nearest second.
 */
export class MemoryFeatureCache implements FeatureCache {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #sweepTimer: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(options: MemoryFeatureCacheOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxEntries = options.maxEntries ?? defaultMaxEntries;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${options.maxEntries}`);
    }
    const sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
    if (!(sweepIntervalMs > 0)) throw new RangeError(`sweepIntervalMs must be positive, got ${sweepIntervalMs}`);
    this.#sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs);
    // The sweep only reclaims memory; it must never keep a finished process alive.
    this.#sweepTimer.unref?.();
  }

  /** Entries held, expired ones not yet purged included. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | null> {
    this.#assertOpen();
    return this.#read(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    this.#assertOpen();
    return keys.map((key) => this.#read(key));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertValidTtl(ttlSeconds);
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + ttlSeconds * 1_000 });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<boolean> {
    this.#assertOpen();
    const live = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return live;
  }

  async ttl(key: string): Promise<number | null> {
    this.#assertOpen();
    const entry = this.#live(key);
    if (!entry) return null;
    return Math.floor((entry.expiresAt - this.#clock.now() + 500) / 1_000);
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#entries.clear();
  }

  /** Drops every expired entry; runs on a timer, callable directly by tests. */
  sweep(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  #read(key: string): string | null {
    const entry = this.#live(key);
    if (!entry) return null;
    // Re-inserting moves the key to the most recently used end.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** The entry if present and unexpired; an expired one is purged on the way. */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("feature cache is closed");
  }
}

function assertValidTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
}
