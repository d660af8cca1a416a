import { afterEach, describe, expect, it, vi } from "vitest";
import { describeFeatureCacheContract } from "../testing/feature-cache-contract";
import { ManualClock } from "./manual-clock";
import { MemoryFeatureCache } from "./memory-feature-cache";

describeFeatureCacheContract("MemoryFeatureCache", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const cache = new MemoryFeatureCache({ clock });
  return {
    cache,
    advanceTime: async (ms) => clock.advance(ms),
    cleanup: () => cache.close(),
  };
});

describe("MemoryFeatureCache", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires an entry exactly ttlSeconds after it was set", async () => {
    const clock = new ManualClock(0);
    const cache = new MemoryFeatureCache({ clock });
    await cache.set("k", "v", 10);
    clock.set(9_999);
    expect(await cache.get("k")).toBe("v");
    clock.set(10_000);
    expect(await cache.get("k")).toBeNull();
    await cache.close();
  });

  it("rounds the remaining lifetime to the nearest second, as Redis's TTL does", async () => {
    const clock = new ManualClock(0);
    const cache = new MemoryFeatureCache({ clock });
    await cache.set("k", "v", 10);
    clock.set(4_499); // 5.501 s left
    expect(await cache.ttl("k")).toBe(6);
    clock.set(4_501); // 5.499 s left
    expect(await cache.ttl("k")).toBe(5);
    clock.set(9_600); // 0.4 s left: still alive, rounds to 0
    expect(await cache.ttl("k")).toBe(0);
    expect(await cache.get("k")).toBe("v");
    await cache.close();
  });

  it("purges an expired entry lazily when it is read", async () => {
    const clock = new ManualClock(0);
    const cache = new MemoryFeatureCache({ clock });
    await cache.set("a", "1", 1);
    await cache.set("b", "2", 5);
    clock.advance(2_000);
    expect(cache.size).toBe(2);
    expect(await cache.get("a")).toBeNull();
    expect(cache.size).toBe(1);
    await cache.close();
  });

  it("sweeps expired entries on its timer and stops the timer on close", async () => {
    vi.useFakeTimers();
    const clock = new ManualClock(0);
    const cache = new MemoryFeatureCache({ clock, sweepIntervalMs: 1_000 });
    await cache.set("a", "1", 1);
    await cache.set("b", "2", 60);
    clock.advance(1_500);
    expect(cache.size).toBe(2);
    vi.advanceTimersByTime(1_000);
    expect(cache.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    await cache.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not keep the process alive with its sweep timer", () => {
    const spy = vi.spyOn(globalThis, "setInterval");
    const cache = new MemoryFeatureCache();
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
    spy.mockRestore();
    expect(timer?.hasRef()).toBe(false);
    return cache.close();
  });

  it("evicts the least recently used entry past maxEntries", async () => {
    const cache = new MemoryFeatureCache({ clock: new ManualClock(0), maxEntries: 3 });
    await cache.set("a", "1", 60);
    await cache.set("b", "2", 60);
    await cache.set("c", "3", 60);
    expect(await cache.get("a")).toBe("1"); // a is now the most recently used
    await cache.set("d", "4", 60); // evicts b, the least recently used
    expect(cache.size).toBe(3);
    expect(await cache.getMany(["a", "b", "c", "d"])).toEqual(["1", null, "3", "4"]);
    await cache.set("c", "3bis", 60); // overwriting refreshes c without growing the cache
    await cache.set("e", "5", 60); // evicts a (touched by getMany before c, d)
    expect(await cache.getMany(["a", "c", "d", "e"])).toEqual([null, "3bis", "4", "5"]);
    await cache.close();
  });

  it("rejects invalid options", () => {
    expect(() => new MemoryFeatureCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new MemoryFeatureCache({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(() => new MemoryFeatureCache({ sweepIntervalMs: 0 })).toThrow(RangeError);
  });
});
