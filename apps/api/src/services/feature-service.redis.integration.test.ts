import {
  defaultUniverse,
  FEATURE_CACHE_TTL_SECONDS,
  FEATURE_PIPELINE_VERSION,
  FeatureService,
  featureCacheKey,
  MarketSimulator,
  silentLogger,
} from "@tradeops/core";
import { waitFor } from "@tradeops/core/testing";
import { type Database, openDatabase, RedisFeatureCache } from "@tradeops/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThrowawayRedis } from "../../../../infra/src/redis/redis-test-support";
import { servicesEnv } from "../../../../infra/src/testing/services-env";
// Test support of the packages the services suite already uses: a scratch database on the
// PostgreSQL server, and a private redis-server this test may kill and restart.
import { scratchTestDatabases } from "../../../../packages/db/src/testing/scratch-test-databases";
import type { TestDatabase, TestDatabaseFactory } from "../../../../packages/db/src/testing/test-database";

const minute = 60_000;
const start = Date.UTC(2026, 0, 5);
const [spec] = defaultUniverse(1);
const symbol = spec?.symbol ?? "";

let factory: TestDatabaseFactory;
let scratch: TestDatabase;
let database: Database;
let redis: ThrowawayRedis;
let cache: RedisFeatureCache;

beforeAll(async () => {
  factory = await scratchTestDatabases(servicesEnv().DATABASE_URL);
  scratch = await factory.fresh();
  database = await openDatabase({ url: scratch.connectionString, poolMax: 4, migrate: true, logger: silentLogger });
  if (spec === undefined) throw new Error("no symbol");
  await database.repositories.marketData.upsertInstruments([{ symbol, sector: spec.sector, name: spec.name }]);
  const simulator = new MarketSimulator({ seed: 5, symbols: [spec], startTime: start });
  await database.repositories.marketData.upsertBars(Array.from({ length: 2_000 }, () => simulator.nextBars()).flat());
  redis = await ThrowawayRedis.start();
  cache = new RedisFeatureCache({ url: redis.url, commandTimeoutMs: 500, connectTimeoutMs: 500 });
}, 120_000);

afterAll(async () => {
  await cache?.close();
  await redis?.kill();
  await database?.close();
  await scratch?.stop();
  await factory?.close();
});

describe("FeatureService on PostgreSQL with Redis as the feature cache", () => {
  it("serves by computation while Redis is down and from Redis again once it is back, with nothing done in between", async () => {
    const service = new FeatureService({
      cache,
      bars: database.repositories.marketData,
      clock: { now: () => start + 2_001 * minute },
      logger: silentLogger,
    });
    const computed = await service.get(symbol, "1min");
    expect(computed.cacheHit).toBe(false);
    expect(await cache.ttl(featureCacheKey(symbol, "1min", FEATURE_PIPELINE_VERSION))).toBe(FEATURE_CACHE_TTL_SECONDS);
    expect(await service.get(symbol, "1min")).toEqual({ vector: computed.vector, cacheHit: true });

    await redis.kill();
    const whileDown = await service.get(symbol, "1min");
    expect(whileDown).toEqual({ vector: computed.vector, cacheHit: false });
    expect(service.cacheCounts().error).toBeGreaterThanOrEqual(1);

    // Back empty, as after a crash: the next request misses and writes back, the one after hits.
    await redis.restart();
    const hit = await waitFor(async () => (await service.get(symbol, "1min")).cacheHit, {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: "a cache hit after Redis returned",
    });
    expect(hit).toBe(true);
    expect(service.cacheCounts().hit).toBe(2);
    expect(service.cacheCounts().miss).toBeGreaterThanOrEqual(2);
  });
});
