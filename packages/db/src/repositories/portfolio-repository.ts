import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import type { PortfolioFillRecord, PortfolioRepository, PortfolioSnapshotRecord } from "./repository-ports";

const portfolioId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "a portfolio id: lower-case letters, digits, _ or -");
const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const fillSchema = z.object({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  time: epochMs,
  symbol: z.string().min(1),
  side: z.enum(["BUY", "SELL"]),
  quantity: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  price: z.number().positive().finite(),
  decisionId: z.string().min(1).optional(),
});

const snapshotSchema = z.object({
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  time: epochMs,
  state: z.record(z.string(), z.unknown()),
});

/** A portfolio's journal of fills and its snapshots (`portfolio_fills`, `portfolio_snapshots`). */
export class PrismaPortfolioRepository implements PortfolioRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async ensurePortfolio(input: { id: string; name: string; initialCapital: number }): Promise<void> {
    const id = portfolioId.parse(input.id);
    const capital = z.number().finite().nonnegative().parse(input.initialCapital);
    await this.#prisma.$executeRaw`
      INSERT INTO portfolios (id, name, initial_capital) VALUES (${id}, ${input.name}, ${capital})
      ON CONFLICT (id) DO NOTHING`;
  }

  /** One statement; a seq already journalled keeps the fill first written. */
  async appendFills(id: string, fills: readonly PortfolioFillRecord[]): Promise<void> {
    const portfolio = portfolioId.parse(id);
    const parsed = z.array(fillSchema).parse(fills);
    if (parsed.length === 0) return;
    await this.#prisma.$executeRaw`
      INSERT INTO portfolio_fills (portfolio_id, seq, time, symbol, side, quantity, price, decision_id)
      SELECT ${portfolio}, * FROM unnest(
        ${parsed.map((f) => f.seq)}::int8[],
        ${parsed.map((f) => new Date(f.time))}::timestamptz[],
        ${parsed.map((f) => f.symbol)}::text[],
        ${parsed.map((f) => f.side)}::text[],
        ${parsed.map((f) => f.quantity)}::int8[],
        ${parsed.map((f) => f.price)}::float8[],
        ${parsed.map((f) => f.decisionId ?? null)}::text[]
      )
      ON CONFLICT (portfolio_id, seq) DO NOTHING`;
  }

  async saveSnapshot(id: string, snapshot: PortfolioSnapshotRecord): Promise<void> {
    const portfolio = portfolioId.parse(id);
    const parsed = snapshotSchema.parse(snapshot);
    await this.#prisma.portfolioSnapshot.create({
      data: {
        portfolioId: portfolio,
        seq: BigInt(parsed.seq),
        time: new Date(parsed.time),
        // Numbers go through JSON text and back unchanged (shortest round-trip digits), so a
        // restored state equals the saved one exactly.
        state: JSON.parse(JSON.stringify(parsed.state)),
      },
    });
  }

  async load(id: string): Promise<{ snapshot: PortfolioSnapshotRecord | null; fills: PortfolioFillRecord[] }> {
    const portfolio = portfolioId.parse(id);
    const row = await this.#prisma.portfolioSnapshot.findFirst({
      where: { portfolioId: portfolio },
      orderBy: [{ time: "desc" }, { id: "desc" }],
    });
    const snapshot =
      row === null ? null : { seq: Number(row.seq), time: row.time.getTime(), state: row.state as unknown };
    const rows = await this.#prisma.portfolioFill.findMany({
      where: { portfolioId: portfolio, seq: { gt: BigInt(snapshot?.seq ?? 0) } },
      orderBy: { seq: "asc" },
    });
    return {
      snapshot,
      fills: rows.map((fill) => ({
        seq: Number(fill.seq),
        time: fill.time.getTime(),
        symbol: fill.symbol,
        side: z.enum(["BUY", "SELL"]).parse(fill.side),
        quantity: Number(fill.quantity),
        price: fill.price,
        ...(fill.decisionId === null ? {} : { decisionId: fill.decisionId }),
      })),
    };
  }
}
