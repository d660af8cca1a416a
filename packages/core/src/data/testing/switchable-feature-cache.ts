import type { FeatureCache } from "../../ports/feature-cache";

/**
 * A feature cache that can be taken down and brought back: `down` makes every call reject at
 * once, as the Redis adapter does while Redis is unreachable; `up` forwards to the real cache.
 */
export class SwitchableFeatureCache implements FeatureCache {
  down = false;
  /** Calls that reached the wrapped cache, by method. */
  readonly calls: string[] = [];

  constructor(private readonly inner: FeatureCache) {}

  get(key: string): Promise<string | null> {
    return this.#run("get", () => this.inner.get(key));
  }

  getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return this.#run("getMany", () => this.inner.getMany(keys));
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.#run("set", () => this.inner.set(key, value, ttlSeconds));
  }

  delete(key: string): Promise<boolean> {
    return this.#run("delete", () => this.inner.delete(key));
  }

  ttl(key: string): Promise<number | null> {
    return this.#run("ttl", () => this.inner.ttl(key));
  }

  ping(): Promise<void> {
    return this.#run("ping", () => this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async #run<T>(method: string, call: () => Promise<T>): Promise<T> {
    if (this.down) throw new Error("feature cache unreachable (simulated outage)");
    this.calls.push(method);
    return call();
  }
}
