import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Bar,
  defaultUniverse,
  type FeatureCache,
  FeatureService,
  InProcessEventBus,
  MarketSimulator,
  MemoryFeatureCache,
  silentLogger,
} from "@tradeops/core";
// The embedded database the platform runs on when no PostgreSQL server is configured.
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@tradeops/db";
import { type Database, openDatabase, ReadinessService } from "@tradeops/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../server";
import { FeatureApiService } from "../../services/feature-service";
import { LiveFeed } from "../../services/live-feed";
import { SystemService } from "../../services/system-service";
import { TradingService } from "../../services/trading-service";
import { riskKit } from "../../testing/risk-test-kit";

const minute = 60_000;
const start = Date.UTC(2026, 0, 5, 0, 0);
const barCount = 1_500;
const universe = defaultUniverse(2);
const [symbol, other] = universe.map((spec) => spec.symbol) as [string, string];
/** Two minutes after the last bar ended. */
const now = () => start + (barCount + 2) * minute;

/** The feature cache with an off switch: `down` rejects every call, as the Redis adapter does while Redis is away. */
class SwitchableCache implements FeatureCache {
  down = false;
  constructor(private readonly inner: FeatureCache) {}
  #guard<T>(call: () => Promise<T>): Promise<T> {
    return this.down ? Promise.reject(new Error("cache unreachable")) : call();
  }
  get = (key: string) => this.#guard(() => this.inner.get(key));
  getMany = (keys: readonly string[]) => this.#guard(() => this.inner.getMany(keys));
  set = (key: string, value: string, ttl: number) => this.#guard(() => this.inner.set(key, value, ttl));
  delete = (key: string) => this.#guard(() => this.inner.delete(key));
  ttl = (key: string) => this.#guard(() => this.inner.ttl(key));
  ping = () => this.#guard(() => this.inner.ping());
  close = () => this.inner.close();
}

let dataDir: string;
let postgres: EmbeddedPostgres;
let database: Database;
let cache: SwitchableCache;
let app: Awaited<ReturnType<typeof buildServer>>;
const stored: Bar[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tradeops-features-api-"));
  postgres = await startEmbeddedPostgres({ dataDir, port: 0 });
  database = await openDatabase({ url: postgres.connectionString, poolMax: 4, migrate: true, logger: silentLogger });
  const market = database.repositories.marketData;
  await market.upsertInstruments([
    ...universe.map((spec) => ({ symbol: spec.symbol, sector: spec.sector, name: spec.name })),
    { symbol: "EMPTY", sector: "Technology", name: "Listed, never traded" },
  ]);
  const simulator = new MarketSimulator({ seed: 7, symbols: universe, startTime: start });
  for (let i = 0; i < barCount; i++) stored.push(...simulator.nextBars());
  await market.upsertBars(stored);

  const clock = { now };
  cache = new SwitchableCache(new MemoryFeatureCache({ clock }));
  const readiness = new ReadinessService([], { timeoutMs: 200, now });
  const features = new FeatureApiService({
    features: new FeatureService({ cache, bars: market, clock, logger: silentLogger }),
    history: { bars: market, clock },
    now,
    logger: silentLogger,
  });
  app = await buildServer({
    services: {
      readiness,
      system: new SystemService({
        readiness,
        migrations: database.migrations,
        mode: "embedded",
        version: "0.0.0",
        startedAt: now(),
        roles: [],
      }),
      live: new LiveFeed({ bus: new InProcessEventBus({}), logger: silentLogger, groupId: "test" }),
      trading: new TradingService({
        engine: () => undefined,
        explainer: () => Promise.reject(new Error("no models in this test")),
        repositories: database.repositories,
        sectors: {},
        now,
        logger: silentLogger,
      }),
      features,
      risk: (await riskKit()).risk,
      publisherStats: () => undefined,
    },
    authenticator: (await riskKit()).authenticator,
    logger: silentLogger,
    version: "0.0.0",
  });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.close();
  await postgres?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const get = (url: string) => app.inject({ method: "GET", url });
const iso = (time: number) => new Date(time).toISOString();
const endOf = (i: number) => start + (i + 1) * minute;

/** Parses an NDJSON body: one JSON value per line, every line terminated. */
function ndjson(body: string): unknown[] {
  expect(body.endsWith("\n")).toBe(true);
  return body
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line));
}

interface HistoryLine {
  timestamp: string;
  bar: { time: string; open: number; high: number; low: number; close: number; volume: number };
  features: Record<string, number>;
}

async function expectError(url: string, status: number, code: string, message: RegExp) {
  const response = await get(url);
  expect(response.statusCode, url).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  expect(response.json(), url).toEqual({
    error: expect.objectContaining({ code, message: expect.stringMatching(message) }),
  });
}

describe("GET /api/v1/features/{symbol}/{timeframe}", () => {
  it("computes a miss from the stored bars, then serves the cache, with the spec's metadata", async () => {
    const first = await get(`/api/v1/features/${symbol}/1min`);
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body).toMatchObject({
      symbol,
      timeframe: "1min",
      timestamp: iso(endOf(barCount - 1)),
      metadata: { cache_hit: false, pipeline_version: "v2.0", generated_at: iso(now()) },
    });
    const last = stored.filter((bar) => bar.symbol === symbol).at(-1);
    expect(body.features.price).toBe(last?.close);
    expect(Object.keys(body.features).length).toBeGreaterThanOrEqual(50);

    const second = await get(`/api/v1/features/${symbol}/1min`);
    expect(second.json()).toEqual({ ...body, metadata: { ...body.metadata, cache_hit: true } });
  });

  it("answers as of a timestamp with the last bar completed by then", async () => {
    for (const [timestamp, bar] of [
      [iso(endOf(999)), 999],
      [iso(endOf(999) - 1), 998],
      ["2026-01-05T16:39:30+00:00", 998],
      ["2026-01-05T17:39:30+01:00", 998],
    ] as const) {
      const response = await get(`/api/v1/features/${symbol}/1min?timestamp=${encodeURIComponent(timestamp)}`);
      expect(response.statusCode, timestamp).toBe(200);
      expect(response.json().timestamp, timestamp).toBe(iso(endOf(bar)));
      expect(response.json().metadata.cache_hit).toBe(false);
    }
    const hourly = await get(`/api/v1/features/${other}/1hour?timestamp=${iso(start + 10 * 60 * minute + 1)}`);
    expect(hourly.statusCode).toBe(200);
    expect(hourly.json().timestamp).toBe(iso(start + 10 * 60 * minute));
  });

  it("answers 404 for an unknown symbol, a symbol without data, a time before any bar and another version", async () => {
    await expectError("/api/v1/features/NOPE/1min", 404, "UNKNOWN_SYMBOL", /symbol NOPE is not supported/);
    await expectError("/api/v1/features/not-a-ticker/1min", 404, "UNKNOWN_SYMBOL", /not-a-ticker/);
    await expectError("/api/v1/features/EMPTY/5min", 404, "NO_DATA", /no 5min features for EMPTY/);
    await expectError(
      `/api/v1/features/${symbol}/1min?timestamp=${iso(start + 59_999)}`,
      404,
      "NO_DATA",
      /no complete 1min bar ending at or before 2026-01-05T00:00:59.999Z/,
    );
    await expectError(`/api/v1/features/${symbol}/1min?version=v9.9`, 404, "NO_DATA", /version v9.9 has no data/);
  });

  it("answers 422 for a bad timeframe, timestamp or version, naming the problem", async () => {
    await expectError(
      `/api/v1/features/${symbol}/2min`,
      422,
      "UNPROCESSABLE",
      /timeframe must be one of 1min, 5min, 1hour/,
    );
    await expectError(
      `/api/v1/features/${symbol}/1min?timestamp=yesterday`,
      422,
      "UNPROCESSABLE",
      /timestamp must be an ISO 8601 date-time/,
    );
    await expectError(
      `/api/v1/features/${symbol}/1min?timestamp=1969-12-31T23:59:59Z`,
      422,
      "UNPROCESSABLE",
      /timestamp must not be before 1970/,
    );
    await expectError(
      `/api/v1/features/${symbol}/1min?version=latest`,
      422,
      "UNPROCESSABLE",
      /version must look like v1.0/,
    );
  });

  it("keeps serving by computation while the cache is down, counting every outcome for Prometheus", async () => {
    cache.down = true;
    try {
      const response = await get(`/api/v1/features/${other}/5min`);
      expect(response.statusCode).toBe(200);
      expect(response.json().metadata.cache_hit).toBe(false);
    } finally {
      cache.down = false;
    }
    const metrics = (await get("/metrics")).body;
    for (const result of ["hit", "miss", "error"]) {
      expect(metrics).toMatch(new RegExp(`feature_cache_requests_total\\{result="${result}"[^}]*\\} [1-9]`));
    }
  });
});

describe("GET /api/v1/history/{symbol}/{timeframe}", () => {
  it("streams the bars of [start, end) with their features as NDJSON", async () => {
    const from = start + 900 * minute;
    const to = start + 1_000 * minute;
    const response = await get(`/api/v1/history/${symbol}/1min?start=${iso(from)}&end=${iso(to)}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/x-ndjson");
    expect(response.headers["x-feature-pipeline-version"]).toBe("v2.0");
    const lines = ndjson(response.body) as HistoryLine[];
    const expected = stored.filter((bar) => bar.symbol === symbol && bar.time >= from && bar.time < to);
    expect(lines.map((line) => line.bar.time)).toEqual(expected.map((bar) => iso(bar.time)));
    expect(lines[0]?.bar).toEqual({ ...expected[0], time: iso(from), symbol: undefined, timeframe: undefined });
    expect(lines.every((line) => Date.parse(line.timestamp) === Date.parse(line.bar.time) + minute)).toBe(true);
    // The row of a bar is what the features endpoint answers as of that bar's end.
    const row = lines[50];
    const asOf = (await get(`/api/v1/features/${symbol}/1min?timestamp=${row?.timestamp}`)).json();
    expect(Object.keys(asOf.features).sort()).toEqual(Object.keys(row?.features ?? {}).sort());
    expect(asOf.features.rsi_14).toBeCloseTo(row?.features.rsi_14 ?? Number.NaN, 9);
    expect(asOf.features.sma_20).toBe(row?.features.sma_20);
  });

  it("streams aggregated 5-minute bars", async () => {
    const response = await get(`/api/v1/history/${other}/5min?start=${iso(start)}&end=${iso(start + 60 * minute)}`);
    const lines = ndjson(response.body) as HistoryLine[];
    expect(lines).toHaveLength(12);
    const minutes = stored.filter((bar) => bar.symbol === other && bar.time < start + 5 * minute);
    expect(lines[0]?.bar).toEqual({
      time: iso(start),
      open: minutes[0]?.open,
      high: Math.max(...minutes.map((bar) => bar.high)),
      low: Math.min(...minutes.map((bar) => bar.low)),
      close: minutes[4]?.close,
      volume: minutes.reduce((sum, bar) => sum + bar.volume, 0),
    });
  });

  it("answers errors as JSON with a status before any line is streamed", async () => {
    const range = `start=${iso(start)}&end=${iso(start + 60 * minute)}`;
    await expectError(`/api/v1/history/NOPE/1min?${range}`, 404, "UNKNOWN_SYMBOL", /symbol NOPE is not supported/);
    await expectError(`/api/v1/history/EMPTY/1min?${range}`, 404, "NO_DATA", /no complete bar opening between/);
    await expectError(
      `/api/v1/history/${symbol}/1min?start=${iso(now())}&end=${iso(now() + minute)}`,
      404,
      "NO_DATA",
      /no 1min features for/,
    );
    await expectError(`/api/v1/history/${symbol}/1day?${range}`, 422, "UNPROCESSABLE", /timeframe must be one of/);
    await expectError(`/api/v1/history/${symbol}/1min?start=${iso(start)}`, 422, "UNPROCESSABLE", /end/);
    await expectError(
      `/api/v1/history/${symbol}/1min?start=${iso(start + minute)}&end=${iso(start)}`,
      422,
      "UNPROCESSABLE",
      /start must be before end/,
    );
    await expectError(
      `/api/v1/history/${symbol}/1min?start=soon&end=${iso(start)}`,
      422,
      "UNPROCESSABLE",
      /start must be an ISO 8601/,
    );
  });

  it("is documented in the OpenAPI document as NDJSON", async () => {
    const document = (await get("/api/v1/openapi.json")).json();
    const operation = document.paths["/api/v1/history/{symbol}/{timeframe}"].get;
    expect(Object.keys(operation.responses["200"].content)).toEqual(["application/x-ndjson"]);
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      "path:symbol",
      "path:timeframe",
      "query:start",
      "query:end",
    ]);
    expect(Object.keys(operation.responses).sort()).toEqual(["200", "404", "422", "503"]);
  });
});

describe("tRPC data.history", () => {
  const call = (input: Record<string, unknown>) =>
    get(`/trpc/data.history?input=${encodeURIComponent(JSON.stringify(input))}`);

  it("pages through a range with a cursor, the pages adding up to the stream", async () => {
    const range = { symbol, timeframe: "1min", start: iso(start + 100 * minute), end: iso(start + 225 * minute) };
    const streamed = ndjson(
      (await get(`/api/v1/history/${symbol}/1min?start=${range.start}&end=${range.end}`)).body,
    ) as HistoryLine[];
    const pages: HistoryLine[][] = [];
    let cursor: string | null | undefined;
    do {
      const response = await call({ ...range, limit: 50, ...(cursor ? { cursor } : {}) });
      expect(response.statusCode).toBe(200);
      const data = response.json().result.data as {
        rows: HistoryLine[];
        nextCursor: string | null;
        pipelineVersion: string;
      };
      expect(data.pipelineVersion).toBe("v2.0");
      pages.push(data.rows);
      cursor = data.nextCursor;
    } while (cursor !== null);
    expect(pages.map((page) => page.length)).toEqual([50, 50, 25]);
    const paged = pages.flat();
    expect(paged.map((row) => row.bar)).toEqual(streamed.map((row) => row.bar));
    // Each page warms its own pipeline up: windowed features agree exactly, recursive ones to the warm-up residual.
    for (const [i, row] of paged.entries()) {
      expect(row.features.sma_20).toBe(streamed[i]?.features.sma_20);
      expect(row.features.ema_26).toBeCloseTo(streamed[i]?.features.ema_26 ?? Number.NaN, 9);
    }
  });

  it("answers NOT_FOUND and BAD_REQUEST like the REST endpoint's 404 and 422", async () => {
    const missing = await call({ symbol: "NOPE", timeframe: "1min", start: iso(start), end: iso(start + minute) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/symbol NOPE is not supported/);
    const reversed = await call({ symbol, timeframe: "1min", start: iso(start + minute), end: iso(start) });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.message).toMatch(/start must be before end/);
  });
});

describe("with the database down", () => {
  it("serves from the cache while it can, and answers 503 when neither the cache nor the database can", async () => {
    await get(`/api/v1/features/${other}/1min`);
    await postgres.stop();
    const cached = await get(`/api/v1/features/${other}/1min`);
    expect(cached.statusCode).toBe(200);
    expect(cached.json().metadata.cache_hit).toBe(true);

    await expectError(`/api/v1/features/${symbol}/5min`, 503, "FEATURES_UNAVAILABLE", /the stored bars cannot be read/);
    cache.down = true;
    await expectError(
      `/api/v1/features/${other}/1min`,
      503,
      "FEATURES_UNAVAILABLE",
      /the feature cache failed \(cache unreachable\) and the stored bars cannot be read/,
    );
    await expectError(
      `/api/v1/history/${symbol}/1min?start=${iso(start)}&end=${iso(start + minute)}`,
      503,
      "FEATURES_UNAVAILABLE",
      /the stored bars cannot be read/,
    );
  });
});
