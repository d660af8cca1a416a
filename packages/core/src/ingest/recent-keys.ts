/**
 * The last `capacity` keys added, for telling a duplicate (seen recently) from an input that is
 * merely old (never seen). Memory stays bounded per symbol however long the feed runs; a
 * duplicate of something older than the window is reported as out of order instead.
 */
export class RecentKeys<K> {
  readonly #capacity: number;
  readonly #keys = new Set<K>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecentKeys needs a capacity >= 1, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  has(key: K): boolean {
    return this.#keys.has(key);
  }

  add(key: K): void {
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    // A Set iterates in insertion order: its first key is the oldest.
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
  }

  clear(): void {
    this.#keys.clear();
  }

  get size(): number {
    return this.#keys.size;
  }
}
