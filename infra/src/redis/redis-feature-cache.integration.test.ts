import { randomUUID } from "node:crypto";
import { describeFeatureCacheContract, waitFor } from "@tradeops/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { servicesEnv } from "../testing/services-env";
import { RedisFeatureCache } from "./redis-feature-cache";
import { deleteKeysMatching, freePort, ThrowawayRedis } from "./redis-test-support";

let reachable: Promise<void> | undefined;

/** Checked once per file, so an unreachable Redis fails every test at once instead of one timeout each. */
function redisReachable(): Promise<void> {
  reachable ??= (async () => {
    const url = servicesEnv().REDIS_URL;
    const probe = new RedisFeatureCache({ url });
    try {
      await probe.ping();
    } catch (error) {
      throw new Error(`Redis at ${url} is not answering: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await probe.close();
    }
  })();
  return reachable;
}

describeFeatureCacheContract("RedisFeatureCache", async () => {
  await redisReachable();
  const url = servicesEnv().REDIS_URL;
  const keyPrefix = `tradeops-test:${randomUUID()}:`;
  const cache = new RedisFeatureCache({ url, keyPrefix });
  return {
    cache,
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    cleanup: async () => {
      await cache.close();
      await deleteKeysMatching(url, `${keyPrefix}*`);
    },
  };
});

describe("RedisFeatureCache when Redis goes away", () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("fails fast while Redis is down and recovers by itself when it returns", async () => {
    const server = await ThrowawayRedis.start();
    cleanups.push(() => server.kill());
    const cache = new RedisFeatureCache({ url: server.url, commandTimeoutMs: 500 });
    cleanups.push(() => cache.close());

    await cache.set("k", "before", 60);
    expect(await cache.get("k")).toBe("before");

    await server.kill();
    await waitFor(
      () =>
        cache.ping().then(
          () => false,
          () => true,
        ),
      { description: "the client to notice" },
    );

    for (const call of [
      () => cache.get("k"),
      () => cache.getMany(["k"]),
      () => cache.set("k", "v", 60),
      () => cache.ping(),
    ]) {
      const started = performance.now();
      await expect(call()).rejects.toThrow(/unavailable/);
      expect(performance.now() - started).toBeLessThan(100);
    }

    await server.restart();
    const restarted = performance.now();
    await waitFor(() => cache.set("k", "after", 60).then(() => true), {
      timeoutMs: 5_000,
      description: "the cache to reconnect",
    });
    expect(performance.now() - restarted).toBeLessThan(2_000);
    expect(await cache.get("k")).toBe("after");
  });

  it("times out instead of hanging when Redis stops answering", async () => {
    const server = await ThrowawayRedis.start();
    cleanups.push(() => server.kill());
    const cache = new RedisFeatureCache({ url: server.url, commandTimeoutMs: 300 });
    cleanups.push(() => cache.close());
    await cache.set("k", "v", 60);

    server.freeze(true);
    try {
      const started = performance.now();
      await expect(cache.get("k")).rejects.toThrow(/timed out/i);
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      server.freeze(false);
    }
    await waitFor(() => cache.get("k").then((value) => value === "v"), { description: "Redis to answer again" });
  });

  it("rejects at once when Redis was never reachable", async () => {
    const cache = new RedisFeatureCache({ url: `redis://127.0.0.1:${await freePort()}` });
    cleanups.push(() => cache.close());
    const started = performance.now();
    await expect(cache.get("k")).rejects.toThrow(/unavailable: connect ECONNREFUSED/);
    await expect(cache.ping()).rejects.toThrow(/unavailable/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
