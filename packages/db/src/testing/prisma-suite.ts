import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient } from "../client";
import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { migrate } from "../migrate";
import type { TestDatabase, TestDatabaseFactory } from "./test-database";

const decisionId = "7d444840-9dc0-11d1-b245-5ffdce74fad2";

/** Prisma Client over the pg adapter against the migrated database: the platform's access path. */
export function prismaSuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  let factory: TestDatabaseFactory;
  let database: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    factory = await createFactory();
    database = await factory.fresh();
    await migrate({ connectionString: database.connectionString });
    prisma = createPrismaClient({ connectionString: database.connectionString, poolMax: 4 });
    await prisma.instrument.create({ data: { symbol: "AAPL", name: "Apple", sector: "Technology" } });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.stop();
    await factory?.close();
  });

  it("upserts a market bar idempotently on (symbol, timeframe, time)", async () => {
    const key = { symbol: "AAPL", timeframe: "1min", time: new Date("2025-10-21T14:30:00Z") };
    const bar = { open: 175.1, high: 175.4, low: 174.9, close: 175.23, volume: 12_000 };
    for (const close of [175.23, 175.3]) {
      await prisma.marketBar.upsert({
        where: { symbol_timeframe_time: key },
        create: { ...key, ...bar, close },
        update: { close },
      });
    }
    const rows = await prisma.marketBar.findMany({ where: { symbol: "AAPL" } });
    expect(rows).toEqual([{ ...key, ...bar, close: 175.3 }]);
  });

  it("stores a decision with its explanation and reads them back together", async () => {
    const time = new Date("2025-10-21T14:30:00Z");
    await prisma.decision.create({
      data: {
        id: decisionId,
        time,
        symbol: "AAPL",
        action: "BUY",
        quantity: 100,
        confidence: 0.85,
        probBull: 0.65,
        probBear: 0.15,
        probSideways: 0.2,
        regimeEntropy: 0.82,
        strategyWeights: { bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 },
        features: { rsi_14: 45.3, macd: 0.012 },
        riskChecks: { position_limit: "pass", concentration: "pass" },
        riskApproved: true,
        modelVersion: "bull_specialist_v127",
        latencyMs: 4.5,
        explanation: {
          create: {
            shapValues: { rsi_14: 0.15, macd: 0.12, volatility_20d: -0.05 },
            baseValue: 0.63,
            modelOutput: 0.85,
            regimeReasoning: "Bull regime probability (65%)",
            strategySelection: "bull specialist at 60%",
          },
        },
      },
    });
    const found = await prisma.decision.findFirst({ where: { id: decisionId }, include: { explanation: true } });
    expect(found?.time).toEqual(time);
    expect(found?.strategyWeights).toEqual({ bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 });
    expect(found?.explanation?.shapValues).toEqual({ rsi_14: 0.15, macd: 0.12, volatility_20d: -0.05 });
    expect(found?.explanation?.decisionTime).toEqual(time);
  });

  it("writes experiment metrics in bulk and aggregates them", async () => {
    const experiment = await prisma.experiment.create({
      data: { experimentName: "bull-lr-1e-5", modelType: "bull_specialist", config: { lr: 1e-5 } },
    });
    expect(experiment.status).toBe("running");
    const start = Date.UTC(2025, 9, 21);
    const data = Array.from({ length: 500 }, (_, step) => ({
      time: new Date(start + step * 60_000),
      experimentId: experiment.id,
      metricName: "loss",
      metricValue: 1 / (step + 1),
      step,
    }));
    expect(await prisma.experimentMetric.createMany({ data })).toEqual({ count: 500 });
    const stats = await prisma.experimentMetric.aggregate({
      where: { experimentId: experiment.id, metricName: "loss" },
      _count: true,
      _max: { step: true },
      _sum: { metricValue: true },
    });
    let harmonic = 0;
    for (let n = 1; n <= 500; n += 1) harmonic += 1 / n;
    expect(stats._count).toBe(500);
    expect(stats._max.step).toBe(499);
    expect(stats._sum.metricValue).toBeCloseTo(harmonic, 9);
  });

  it("serves many concurrent queries through the pool", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? prisma.instrument.findUnique({ where: { symbol: "AAPL" } }).then((row) => row?.name)
          : prisma.$queryRaw<{ n: number }[]>`SELECT ${i}::int AS n`.then((rows) => rows[0]?.n),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? "Apple" : i)));
  });

  it("rolls back an interactive transaction that fails", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.portfolio.create({ data: { id: "doomed", name: "Doomed", initialCapital: "1000" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await prisma.portfolio.findUnique({ where: { id: "doomed" } })).toBeNull();
  });

  it("keeps cash exact and limit history append-only", async () => {
    await prisma.portfolio.create({
      data: { id: "main", name: "Main", initialCapital: new Prisma.Decimal("1234567890123456.7891") },
    });
    const portfolio = await prisma.portfolio.findUniqueOrThrow({ where: { id: "main" } });
    expect(portfolio.initialCapital.toFixed(4)).toBe("1234567890123456.7891");

    const limits = await prisma.riskLimitSet.create({
      data: {
        portfolioId: "main",
        version: 1,
        limits: { max_position_pct: 0.25, max_sector_pct: 0.5, max_leverage: 1.5, daily_loss_limit_pct: 0.02 },
        createdBy: "user:risk-officer",
        reason: "initial limits",
      },
    });
    await expect(
      prisma.riskLimitSet.update({ where: { id: limits.id }, data: { reason: "rewritten history" } }),
    ).rejects.toThrow("risk_limit_sets is append-only: UPDATE is not allowed");
    await prisma.auditEvent.create({
      data: { actor: "user:risk-officer", action: "risk_limits.update", entityType: "portfolio", entityId: "main" },
    });
    await expect(prisma.auditEvent.deleteMany({})).rejects.toThrow(
      "audit_events is append-only: DELETE is not allowed",
    );
  });

  it("enforces the spec's regime probability checks with a floating-point tolerance", async () => {
    const time = new Date("2025-10-21T15:00:00Z");
    // 0.6 + 0.3 + 0.1 is 0.9999999999999999 in floating point: the spec's exact `= 1.0` would reject it.
    expect(0.6 + 0.3 + 0.1).not.toBe(1);
    await prisma.regimeHistory.create({ data: { time, probBull: 0.6, probBear: 0.3, probSideways: 0.1 } });
    expect((await prisma.regimeHistory.findFirstOrThrow({ where: { time } })).symbol).toBe("MARKET");
    await expect(
      prisma.regimeHistory.create({
        data: { time, symbol: "AAPL", probBull: 0.5, probBear: 0.3, probSideways: 0.3 },
      }),
    ).rejects.toThrow("regime_history_prob_sum_check");
  });

  it("keeps API keys with their scopes and user", async () => {
    const user = await prisma.user.create({
      data: {
        email: "trader@example.com",
        displayName: "Trader",
        role: "trader",
        apiKeys: {
          create: {
            name: "execution engine",
            prefix: "tok_ab12",
            keyHash: "a".repeat(64),
            scopes: ["predict", "risk"],
          },
        },
      },
      include: { apiKeys: true },
    });
    expect(user.apiKeys.map((key) => key.scopes)).toEqual([["predict", "risk"]]);
    await expect(
      prisma.user.create({ data: { email: "Trader@Example.com", displayName: "Upper", role: "trader" } }),
    ).rejects.toThrow("users_email_check");
  });
}
