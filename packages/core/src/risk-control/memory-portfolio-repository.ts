import type { PortfolioFillRecord, PortfolioRepository, PortfolioSnapshotRecord } from "../ports/repositories";

interface Journal {
  readonly fills: Map<number, PortfolioFillRecord>;
  readonly snapshots: PortfolioSnapshotRecord[];
}

function assertFill(fill: PortfolioFillRecord): void {
  if (!Number.isSafeInteger(fill.seq) || fill.seq < 1) throw new RangeError(`fill seq must be >= 1, got ${fill.seq}`);
  if (!Number.isSafeInteger(fill.quantity) || fill.quantity < 1) {
    throw new RangeError(`fill quantity must be a positive integer, got ${fill.quantity}`);
  }
  if (!(Number.isFinite(fill.price) && fill.price > 0))
    throw new RangeError(`fill price must be positive, got ${fill.price}`);
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
    if (!this.#journals.has(input.id)) this.#journals.set(input.id, { fills: new Map(), snapshots: [] });
  }

  async appendFills(portfolioId: string, fills: readonly PortfolioFillRecord[]): Promise<void> {
    const journal = this.#journal(portfolioId);
    for (const fill of fills) assertFill(fill);
    for (const fill of fills) if (!journal.fills.has(fill.seq)) journal.fills.set(fill.seq, structuredClone(fill));
  }

  async saveSnapshot(portfolioId: string, snapshot: PortfolioSnapshotRecord): Promise<void> {
    const journal = this.#journal(portfolioId);
    if (!Number.isSafeInteger(snapshot.seq) || snapshot.seq < 0) {
      throw new RangeError(`snapshot seq must be >= 0, got ${snapshot.seq}`);
    }
    journal.snapshots.push(structuredClone(snapshot));
  }

  async load(portfolioId: string): Promise<{ snapshot: PortfolioSnapshotRecord | null; fills: PortfolioFillRecord[] }> {
    const journal = this.#journals.get(portfolioId);
    if (journal === undefined) return { snapshot: null, fills: [] };
    let latest: PortfolioSnapshotRecord | null = null;
    for (const snapshot of journal.snapshots) if (latest === null || snapshot.time >= latest.time) latest = snapshot;
    const after = latest?.seq ?? 0;
    const fills = [...journal.fills.values()].filter((fill) => fill.seq > after).sort((a, b) => a.seq - b.seq);
    return { snapshot: structuredClone(latest), fills: structuredClone(fills) };
  }

  #journal(portfolioId: string): Journal {
    const journal = this.#journals.get(portfolioId);
    if (journal === undefined) throw new Error(`portfolio ${portfolioId} does not exist`);
    return journal;
  }
}
