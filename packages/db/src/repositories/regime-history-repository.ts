import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import type { RegimeEstimateRecord, RegimeHistoryRepository } from "./repository-ports";

const probability = z.number().min(0).max(1);

/** The table's CHECK tolerance on the probability sum (0002_platform_schema.sql). */
const sumTolerance = 1e-6;

const estimateSchema = z
  .object({
    symbol: z.string().min(1),
    time: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    bull: probability,
    bear: probability,
    sideways: probability,
    entropy: z.number().finite().nonnegative(),
    modelVersion: z.string().min(1),
  })
  .refine((estimate) => Math.abs(estimate.bull + estimate.bear + estimate.sideways - 1) <= sumTolerance, {
    message: "bull + bear + sideways must be 1",
  });

const recentArgs = z.object({
  symbol: z.string().min(1),
  limit: z.number().int().min(1).max(100_000),
});

/** Shannon entropy in nats, for rows written without one (0 ln 0 = 0). */
function entropyOf(probabilities: readonly number[]): number {
  return -probabilities.reduce((sum, p) => (p > 0 ? sum + p * Math.log(p) : sum), 0);
}

/** The regime detector's estimates, one row per (symbol, time). */
export class PrismaRegimeHistoryRepository implements RegimeHistoryRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** One statement per call; an estimate already stored for its (symbol, time) is kept as it is. */
  async append(estimates: readonly RegimeEstimateRecord[]): Promise<void> {
    const parsed = z.array(estimateSchema).parse(estimates);
    if (parsed.length === 0) return;
    await this.#prisma.$executeRaw`
      INSERT INTO regime_history (symbol, time, prob_bull, prob_bear, prob_sideways, entropy, model_version)
      SELECT * FROM unnest(
        ${parsed.map((estimate) => estimate.symbol)}::text[],
        ${parsed.map((estimate) => new Date(estimate.time))}::timestamptz[],
        ${parsed.map((estimate) => estimate.bull)}::float8[],
        ${parsed.map((estimate) => estimate.bear)}::float8[],
        ${parsed.map((estimate) => estimate.sideways)}::float8[],
        ${parsed.map((estimate) => estimate.entropy)}::float8[],
        ${parsed.map((estimate) => estimate.modelVersion)}::text[]
      )
      ON CONFLICT (symbol, time) DO NOTHING`;
  }

  /**
   * The latest `limit` estimates of `symbol`, oldest first. Rows written by other means may lack
   * an entropy (computed here from the probabilities) or a model version (`unknown`).
   */
  async recent(symbol: string, limit: number): Promise<RegimeEstimateRecord[]> {
    const args = recentArgs.parse({ symbol, limit });
    const rows = await this.#prisma.regimeHistory.findMany({
      where: { symbol: args.symbol },
      orderBy: { time: "desc" },
      take: args.limit,
    });
    return rows.reverse().map((row) => ({
      symbol: row.symbol,
      time: row.time.getTime(),
      bull: row.probBull,
      bear: row.probBear,
      sideways: row.probSideways,
      entropy: row.entropy ?? entropyOf([row.probBull, row.probBear, row.probSideways]),
      modelVersion: row.modelVersion ?? "unknown",
    }));
  }
}
