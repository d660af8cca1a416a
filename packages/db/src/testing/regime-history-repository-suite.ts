import { expect, it } from "vitest";
import { PrismaRegimeHistoryRepository } from "../repositories/regime-history-repository";
import type { RegimeEstimateRecord } from "../repositories/repository-ports";
import { useMigratedDatabase } from "./migrated-database";
import type { TestDatabaseFactory } from "./test-database";

const start = Date.UTC(2025, 9, 21, 13, 31);
const minute = 60_000;

function estimate(symbol: string, i: number, probabilities: [number, number, number]): RegimeEstimateRecord {
  const [bull, bear, sideways] = probabilities;
  return {
    symbol,
    time: start + i * minute,
    bull,
    bear,
    sideways,
    entropy: -probabilities.reduce((sum, p) => sum + p * Math.log(p), 0),
    modelVersion: "regime-hmm@1",
  };
}

/** The RegimeHistoryRepository against a migrated database. */
export function regimeHistoryRepositorySuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  const db = useMigratedDatabase(createFactory);
  const repository = () => new PrismaRegimeHistoryRepository(db.prisma);

  it("returns the latest estimates of a symbol, oldest first, exactly as appended", async () => {
    const a0 = estimate("AAPL", 0, [0.5, 0.25, 0.25]);
    const a1 = estimate("AAPL", 1, [0.6, 0.3, 0.1]);
    const a2 = estimate("AAPL", 2, [0.7, 0.2, 0.1]);
    const a3 = estimate("AAPL", 3, [0.2, 0.7, 0.1]);
    // Appended out of order and interleaved with another symbol.
    await repository().append([a2, estimate("MSFT", 5, [0.1, 0.1, 0.8]), a0]);
    await repository().append([a3, a1]);
    expect(await repository().recent("AAPL", 3)).toEqual([a1, a2, a3]);
    expect(await repository().recent("AAPL", 10)).toEqual([a0, a1, a2, a3]);
    expect(await repository().recent("MSFT", 10)).toEqual([estimate("MSFT", 5, [0.1, 0.1, 0.8])]);
    expect(await repository().recent("TSLA", 10)).toEqual([]);
  });

  it("is idempotent on (symbol, time): a repeated estimate keeps the first one stored", async () => {
    const first = estimate("NVDA", 0, [0.5, 0.25, 0.25]);
    await repository().append([first]);
    await repository().append([first, { ...first, bull: 0.25, bear: 0.5 }, estimate("NVDA", 1, [0.6, 0.3, 0.1])]);
    expect(await repository().recent("NVDA", 10)).toEqual([first, estimate("NVDA", 1, [0.6, 0.3, 0.1])]);
  });

  it("accepts a floating-point sum of 1 and rejects a batch holding a sum that is not 1", async () => {
    // 0.6 + 0.3 + 0.1 is 0.9999999999999999 in IEEE-754 doubles.
    expect(0.6 + 0.3 + 0.1).not.toBe(1);
    await expect(
      repository().append([estimate("AMD", 0, [0.6, 0.3, 0.1]), estimate("AMD", 1, [0.6, 0.3, 0.2])]),
    ).rejects.toThrow(/must be 1/);
    expect(await repository().recent("AMD", 10)).toEqual([]);
    await expect(repository().append([{ ...estimate("AMD", 0, [0.6, 0.3, 0.1]), modelVersion: "" }])).rejects.toThrow(
      /modelVersion/,
    );
  });

  it("fills in the entropy and model version of rows written without them", async () => {
    await db.prisma.regimeHistory.create({
      data: { symbol: "META", time: new Date(start), probBull: 0.5, probBear: 0.25, probSideways: 0.25 },
    });
    const [row] = await repository().recent("META", 1);
    // H(1/2, 1/4, 1/4) = 1/2 ln 2 + 2 * 1/4 ln 4 = 3/2 ln 2 nats.
    expect(row?.entropy).toBeCloseTo(1.5 * Math.LN2, 15);
    expect(row?.modelVersion).toBe("unknown");
  });

  it("rejects a limit that is not a positive integer", async () => {
    await expect(repository().recent("AAPL", 0)).rejects.toThrow(/limit/);
    await expect(repository().recent("AAPL", 2.5)).rejects.toThrow(/limit/);
  });
}
