import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import type { RejectedTickRecord, RejectedTickRepository, StoredRejectedTick } from "./repository-ports";

const label = z.string().min(1).max(64);

const entrySchema = z.object({
  receivedAt: z.number().int().nonnegative().max(8_640_000_000_000_000),
  source: label,
  symbol: z.string().min(1).max(64).optional(),
  reason: label,
  raw: z.json(),
});

const recentArgs = z.object({
  limit: z.number().int().min(1).max(10_000),
  source: label.optional(),
  symbol: z.string().min(1).max(64).optional(),
});

type JsonValue = z.output<typeof entrySchema>["raw"];

/**
 * jsonb cannot hold U+0000 (PostgreSQL refuses the whole statement), and rejected input is
 * exactly where a NUL shows up: it becomes U+FFFD, in keys and strings alike.
 */
function withoutNul(value: JsonValue): JsonValue {
  if (typeof value === "string") return value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key.replaceAll("\u0000", "\uFFFD"), withoutNul(item)]),
    );
  }
  return value;
}

/** The market-data dead letter: input the sources set aside, with the reason, append-only. */
export class PrismaRejectedTickRepository implements RejectedTickRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * One multi-row INSERT of UNNESTed column arrays (5 parameters whatever the batch size), so a
   * batch is stored whole or not at all.
   */
  async record(entries: readonly RejectedTickRecord[]): Promise<void> {
    const parsed = z.array(entrySchema).parse(entries);
    if (parsed.length === 0) return;
    await this.#prisma.$executeRaw`
      INSERT INTO rejected_ticks (received_at, source, symbol, reason, raw)
      SELECT * FROM unnest(
        ${parsed.map((entry) => new Date(entry.receivedAt))}::timestamptz[],
        ${parsed.map((entry) => entry.source)}::text[],
        ${parsed.map((entry) => entry.symbol ?? null)}::text[],
        ${parsed.map((entry) => entry.reason)}::text[],
        ${parsed.map((entry) => JSON.stringify(withoutNul(entry.raw)))}::text[]::jsonb[]
      )`;
  }

  async recent(options: { limit: number; source?: string; symbol?: string }): Promise<StoredRejectedTick[]> {
    const args = recentArgs.parse(options);
    const rows = await this.#prisma.rejectedTick.findMany({
      where: {
        ...(args.source === undefined ? {} : { source: args.source }),
        ...(args.symbol === undefined ? {} : { symbol: args.symbol }),
      },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: args.limit,
    });
    return rows.map((row) => ({
      id: row.id.toString(),
      receivedAt: row.receivedAt.getTime(),
      source: row.source,
      ...(row.symbol === null ? {} : { symbol: row.symbol }),
      reason: row.reason,
      raw: row.raw,
    }));
  }
}
