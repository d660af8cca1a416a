import {
  type BarReader,
  FeatureService,
  InProcessEventBus,
  MemoryFeatureCache,
  type Repositories,
  silentLogger,
} from "@tradeops/core";
import { type DependencyCheck, ReadinessService } from "@tradeops/infra";
import { afterEach, describe, expect, it } from "vitest";
import { buildServer } from "./server";
import { FeatureApiService } from "./services/feature-service";
import { LiveFeed } from "./services/live-feed";
import { SystemService } from "./services/system-service";
import { TradingService } from "./services/trading-service";
import { riskKit } from "./testing/risk-test-kit";

const now = () => Date.parse("2026-03-04T05:06:07Z");

/** These tests exercise health, OpenAPI and routing; any database access is a test failure. */
const unreachableRepositories = new Proxy({} as Repositories, {
  get: (_target, name) => {
    throw new Error(`repositories.${String(name)} used in a test that has no database`);
  },
});
const noDatabase = () => Promise.reject(new Error("stored bars read in a test that has no database"));
const unreachableBars: BarReader = {
  barsBetween: noDatabase,
  barsBefore: noDatabase,
  minuteBucketsBefore: noDatabase,
  knownSymbol: noDatabase,
};

async function serverWith(checks: DependencyCheck[]) {
  const readiness = new ReadinessService(checks, { timeoutMs: 200, now });
  const system = new SystemService({
    readiness,
    migrations: async () => ({
      applied: [{ version: "0001", name: "init", appliedAt: "2026-03-04T05:00:00.000Z" }],
      pending: [],
    }),
    mode: "embedded",
    version: "9.9.9",
    startedAt: now(),
    roles: ["maintenance"],
  });
  const live = new LiveFeed({ bus: new InProcessEventBus({}), logger: silentLogger, groupId: "test" });
  const trading = new TradingService({
    engine: () => undefined,
    explainer: () => Promise.reject(new Error("no models in this test")),
    repositories: unreachableRepositories,
    sectors: { QXAB: "technology" },
    now,
    logger: silentLogger,
  });
  const clock = { now };
  const features = new FeatureApiService({
    features: new FeatureService({
      cache: new MemoryFeatureCache({}),
      bars: unreachableBars,
      clock,
      logger: silentLogger,
    }),
    history: { bars: unreachableBars, clock },
    now,
    logger: silentLogger,
  });
  const { risk, authenticator } = await riskKit();
  return buildServer({
    services: { readiness, system, live, trading, features, risk, publisherStats: () => undefined },
    authenticator,
    logger: silentLogger,
    version: "9.9.9",
  });
}

let app: Awaited<ReturnType<typeof serverWith>> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const healthy: DependencyCheck = { name: "database", adapter: "postgresql", check: async () => {} };
const broken: DependencyCheck = {
  name: "bus",
  adapter: "kafka(k:9092)",
  check: async () => {
    throw new Error("broker unreachable");
  },
};

describe("API server", () => {
  it("answers /healthz without touching dependencies", async () => {
    app = await serverWith([broken]);
    const response = await app.inject({ method: "GET", url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "ok" });
  });

  it("answers /readyz 200 when every dependency answers and 503 naming the one that does not", async () => {
    app = await serverWith([healthy]);
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    await app.close();

    app = await serverWith([healthy, broken]);
    const response = await app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toContainEqual(
      expect.objectContaining({ name: "bus", adapter: "kafka(k:9092)", ok: false, error: "broker unreachable" }),
    );
  });

  it("serves the system status over tRPC", async () => {
    app = await serverWith([healthy]);
    const response = await app.inject({ method: "GET", url: "/trpc/system.status" });
    expect(response.statusCode).toBe(200);
    const data = response.json().result.data;
    expect(data).toMatchObject({
      mode: "embedded",
      version: "9.9.9",
      roles: ["maintenance"],
      readiness: { ready: true },
    });
    expect(data.migrations.applied[0]).toMatchObject({ version: "0001", name: "init" });
  });

  it("serves an OpenAPI 3.1 document listing the health endpoints", async () => {
    app = await serverWith([healthy]);
    const response = await app.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.version).toBe("9.9.9");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/healthz", "/readyz"]));
    expect(
      document.paths["/readyz"].get.responses["503"].content["application/json"].schema.properties.checks.type,
    ).toBe("array");
  });

  it("answers an unknown route with a JSON 404", async () => {
    app = await serverWith([healthy]);
    const response = await app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: "NOT_FOUND", message: "no route for GET /api/v1/nothing-here" } });
  });

  it("exports request latency as Prometheus metrics", async () => {
    app = await serverWith([healthy]);
    await app.inject({ method: "GET", url: "/healthz" });
    const response = await app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} 1/);
  });
});
