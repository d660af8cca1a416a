import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FeatureCache } from "../ports/feature-cache";

export interface FeatureCacheHarness {
  readonly cache: FeatureCache;
  /**
   * Lets `ms` of the cache's time pass: a ManualClock step for the twin, a real wait for Redis.
   * The suite keeps the total small (about a second) so the real adapter stays fast to test.
   */
  advanceTime(ms: number): Promise<void>;
  /** Removes whatever the test wrote and releases what the factory opened. */
  cleanup(): Promise<void>;
}

/**
 * The behaviour every FeatureCache must show, run against the in-memory twin and against Redis
 * so the two cannot drift apart. Each test gets a fresh harness from `factory`.
 */
export function describeFeatureCacheContract(name: string, factory: () => Promise<FeatureCacheHarness>): void {
  describe(`FeatureCache contract: ${name}`, () => {
    let harness: FeatureCacheHarness | undefined;

    const cache = (): FeatureCache => {
      if (!harness) throw new Error("harness not created");
      return harness.cache;
    };

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      const current = harness;
      harness = undefined;
      if (current) await current.cleanup();
    });

    it("returns null for a key never written", async () => {
      expect(await cache().get("absent")).toBeNull();
      expect(await cache().ttl("absent")).toBeNull();
    });

    it("stores a value and reads it back", async () => {
      await cache().set("features:BTC-USD:1m", '{"rsi":41.5}', 60);
      expect(await cache().get("features:BTC-USD:1m")).toBe('{"rsi":41.5}');
    });

    it("keeps the empty string distinct from a miss", async () => {
      await cache().set("empty", "", 60);
      expect(await cache().get("empty")).toBe("");
      expect(await cache().getMany(["empty", "absent"])).toEqual(["", null]);
    });

    it("getMany is positionally aligned with its keys, misses and repeats included", async () => {
      await cache().set("a", "va", 60);
      await cache().set("b", "vb", 60);
      expect(await cache().getMany(["a", "missing", "b", "a"])).toEqual(["va", null, "vb", "va"]);
      expect(await cache().getMany([])).toEqual([]);
    });

    it("overwrites a value and its lifetime", async () => {
      await cache().set("k", "first", 5);
      await cache().set("k", "second", 120);
      expect(await cache().get("k")).toBe("second");
      expect(await cache().ttl("k")).toBe(120);
    });

    it("delete reports whether a live entry was removed", async () => {
      await cache().set("k", "v", 60);
      expect(await cache().delete("k")).toBe(true);
      expect(await cache().get("k")).toBeNull();
      expect(await cache().delete("k")).toBe(false);
      expect(await cache().delete("never-written")).toBe(false);
    });

    it("reports the remaining lifetime in whole seconds", async () => {
      await cache().set("short", "s", 1);
      await cache().set("long", "l", 3_600);
      expect(await cache().ttl("short")).toBe(1);
      expect(await cache().ttl("long")).toBe(3_600);
    });

    it("expires entries when their time-to-live has passed", async () => {
      const h = harness;
      if (!h) throw new Error("harness not created");
      await cache().set("short", "s", 1);
      await cache().set("longer", "l", 3);
      await h.advanceTime(1_100);
      expect(await cache().get("short")).toBeNull();
      expect(await cache().ttl("short")).toBeNull();
      expect(await cache().getMany(["short", "longer"])).toEqual([null, "l"]);
      expect(await cache().delete("short")).toBe(false);
      // 3 s - 1.1 s = 1.9 s left, which rounds to 2 whole seconds.
      expect(await cache().ttl("longer")).toBe(2);
    });

    it.each([0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
      "rejects a ttl of %s and stores nothing",
      async (ttl) => {
        await expect(cache().set("k", "v", ttl)).rejects.toThrow(RangeError);
        expect(await cache().get("k")).toBeNull();
      },
    );

    it("round-trips unicode keys and values byte for byte", async () => {
      const key = "features:東京:ÉTH/€ 😀";
      const value = 'naïve 😀 東京 \u0000 "quoted" \n\t end';
      await cache().set(key, value, 60);
      expect(await cache().get(key)).toBe(value);
      expect(await cache().getMany([key])).toEqual([value]);
    });

    it("round-trips a large value", async () => {
      const value = "Ω0123456789😀".repeat(100_000);
      await cache().set("large", value, 60);
      const read = await cache().get("large");
      expect(read?.length).toBe(value.length);
      expect(read).toBe(value);
    });

    it("answers ping while open and rejects every call once closed", async () => {
      await cache().ping();
      await cache().close();
      await expect(cache().ping()).rejects.toThrow();
      await expect(cache().get("k")).rejects.toThrow();
    });
  });
}
