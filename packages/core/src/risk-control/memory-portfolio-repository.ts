import { z } from "zod";
import type { PortfolioFillRecord, PortfolioRepository, PortfolioSnapshotRecord } from "../ports/repositories";

// The database's checks (packages/db's PrismaPortfolioRepository), so the twin refuses what it refuses.
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

interface Journal {
  readonly fills: Map<number, PortfolioFillRecord>;
  readonly snapshots: PortfolioSnapshotRecord[];
}

/**
 * `PortfolioRepository` in memory, with the database's semantics: a journal only for a portfolio
 * that exists, fills idempotent on (portfolio, seq) (the first written is kept), a batch written
 * whole or not at all, the latest snapshot by time (the later written on a tie) and the fills
 * after it in seq order. Stored values are copies, as a database's would be.
 */
export class MemoryPortfolioRepository implements PortfolioRepository {
  readonly #journals = new Map<string, Journal>();

  async ensurePortfolio(input: { id: string; name: string; initialCapital: number }): Promise<void> {
    const id = portfolioId.parse(input.id);
    z.number().finite().nonnegative().parse(input.initialCapital);
    if (!this.#journals.has(id)) this.#journals.set(id, { fills: new Map(), snapshots: [] });
  }

  async appendFills(portfolioId: string, fills: readonly PortfolioFillRecord[]): Promise<void> {
    const journal = this.#journal(portfolioId);
    const parsed = z.array(fillSchema).parse(fills);
    for (const fill of parsed) if (!journal.fills.has(fill.seq)) journal.fills.set(fill.seq, fill);
  }

  async saveSnapshot(portfolioId: string, snapshot: PortfolioSnapshotRecord): Promise<void> {
    const journal = this.#journal(portfolioId);
    const parsed = snapshotSchema.parse(snapshot);
    journal.snapshots.push(structuredClone(parsed));
  }

  async load(id: string): Promise<{ snapshot: PortfolioSnapshotRecord | null; fills: PortfolioFillRecord[] }> {
    const journal = this.#journals.get(portfolioId.parse(id));
    if (journal === undefined) return { snapshot: null, fills: [] };
    let latest: PortfolioSnapshotRecord | null = null;
    for (const snapshot of journal.snapshots) if (latest === null || snapshot.time >= latest.time) latest = snapshot;
    const after = latest?.seq ?? 0;
    const fills = [...journal.fills.values()].filter((fill) => fill.seq > after).sort((a, b) => a.seq - b.seq);
    return { snapshot: structuredClone(latest), fills: structuredClone(fills) };
  }

  #journal(id: string): Journal {
    const journal = this.#journals.get(portfolioId.parse(id));
    if (journal === undefined) throw new Error(`portfolio ${id} does not exist`);
    return journal;
  }
}
