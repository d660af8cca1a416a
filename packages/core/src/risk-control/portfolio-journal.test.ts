import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { recordingLogger } from "../meta/meta-test-support";
import type { PortfolioFillRecord, PortfolioSnapshotRecord } from "../ports/repositories";
import { Portfolio } from "../risk/portfolio";
import type { ExecutionRecord } from "../risk/simulated-execution";
import { MemoryPortfolioRepository } from "./memory-portfolio-repository";
import { PortfolioJournal, restorePortfolio } from "./portfolio-journal";

const day1 = Date.UTC(2025, 9, 21, 14, 30);
const day2 = Date.UTC(2025, 9, 22, 14, 30);
const sectors = { XXA: "technology", XXB: "energy" };

let decisions = 0;
function execution(
  time: number,
  symbol: string,
  side: "BUY" | "SELL",
  quantity: number,
  price: number,
): ExecutionRecord {
  decisions += 1;
  return {
    decisionId: `d-${decisions}`,
    symbol,
    side,
    requestedQuantity: quantity === 0 ? 5 : quantity,
    quantity,
    status: quantity === 0 ? "cancelled" : "filled",
    referencePrice: price,
    executionPrice: price,
    slippageBps: 0,
    slippageCost: 0,
    time,
  } as ExecutionRecord;
}

/** A live portfolio driven as the decision engine drives it, journalling every fill. */
async function live(repository = new MemoryPortfolioRepository(), loggerLines = recordingLogger()) {
  await repository.ensurePortfolio({ id: "paper", name: "paper", initialCapital: 100_000 });
  const clock = new ManualClock(day1);
  const portfolio = new Portfolio({ startingCash: 100_000, sectors });
  const journal = new PortfolioJournal({
    portfolioId: "paper",
    portfolio,
    repository,
    seq: 0,
    clock,
    logger: loggerLines,
  });
  /** One bar of `symbol`: the day advanced, its fills booked then journalled, then its close marked. */
  const bar = (time: number, symbol: string, close: number, fills: readonly ExecutionRecord[] = []): void => {
    clock.set(Math.max(clock.now(), time + 60_000));
    portfolio.advanceTo(time);
    for (const fill of fills) if (fill.quantity > 0) portfolio.applyFill({ ...fill, price: fill.executionPrice });
    for (const fill of fills) journal.record(fill);
    portfolio.markToMarket(symbol, close);
  };
  return { repository, clock, portfolio, journal, bar, logger: loggerLines };
}

const restore = async (repository: MemoryPortfolioRepository) =>
  restorePortfolio(await repository.load("paper"), { startingCash: 100_000, sectors });

/** Lets the journal's background writes (and a new day's snapshot) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("PortfolioJournal: fills in order, snapshots that cover them", () => {
  it("journals every fill in booking order with seq 1, 2, ... and no cancellation", async () => {
    const { journal, bar, repository } = await live();
    const a = execution(day1, "XXA", "BUY", 100, 100);
    const cancelled = execution(day1 + 60_000, "XXB", "BUY", 0, 50);
    const b = execution(day1 + 60_000, "XXB", "BUY", 200, 50.5);
    const c = execution(day1 + 120_000, "XXA", "SELL", 40, 102.5);
    bar(day1, "XXA", 100, [a]);
    bar(day1 + 60_000, "XXB", 50, [cancelled, b]);
    bar(day1 + 120_000, "XXA", 103, [c]);
    expect(journal.seq).toBe(3);
    await journal.flush();
    expect(journal.backlog).toBe(0);
    expect(await repository.load("paper")).toEqual({
      snapshot: null,
      fills: [
        { seq: 1, time: day1, symbol: "XXA", side: "BUY", quantity: 100, price: 100, decisionId: a.decisionId },
        {
          seq: 2,
          time: day1 + 60_000,
          symbol: "XXB",
          side: "BUY",
          quantity: 200,
          price: 50.5,
          decisionId: b.decisionId,
        },
        {
          seq: 3,
          time: day1 + 120_000,
          symbol: "XXA",
          side: "SELL",
          quantity: 40,
          price: 102.5,
          decisionId: c.decisionId,
        },
      ],
    });
  });

  it("restores from the snapshot and the fills after it to the live book, and to the live portfolio once marked again", async () => {
    const { journal, bar, repository, portfolio } = await live();
    bar(day1, "XXA", 101, [execution(day1, "XXA", "BUY", 100, 100)]);
    bar(day1 + 60_000, "XXB", 49, [execution(day1 + 60_000, "XXB", "BUY", 300, 50)]);
    await journal.snapshot();
    expect((await repository.load("paper")).snapshot?.seq).toBe(2);
    bar(day1 + 120_000, "XXA", 104, [execution(day1 + 120_000, "XXA", "BUY", 50, 103)]);
    bar(day1 + 180_000, "XXB", 52, [execution(day1 + 180_000, "XXB", "SELL", 100, 51)]);
    await journal.flush();

    const loaded = await repository.load("paper");
    expect(loaded.fills.map((f) => f.seq)).toEqual([3, 4]);
    const { portfolio: restored, seq } = await restore(repository);
    expect(seq).toBe(4);
    // Worked out by hand: cash 100,000 − 10,000 − 15,000 − 5,150 + 5,100 = 74,950; XXA average
    // (100·100 + 50·103) / 150 = 101; XXB realised 100 × (51 − 50) = 100.
    const book = (p: Portfolio) => ({
      cash: p.cash,
      realisedPnl: p.realisedPnl,
      dayOpenValue: p.dayOpenValue,
      positions: p.state().positions.map(({ symbol, quantity, averageCost }) => ({ symbol, quantity, averageCost })),
    });
    const expected = {
      cash: 74_950,
      realisedPnl: 100,
      dayOpenValue: 100_000,
      positions: [
        { symbol: "XXA", quantity: 150, averageCost: 101 },
        { symbol: "XXB", quantity: 200, averageCost: 50 },
      ],
    };
    expect(book(portfolio)).toEqual(expected);
    expect(book(restored)).toEqual(expected);
    // Marked at the fills until the next bars: then every field is the live one.
    const next = day1 + 240_000;
    for (const p of [portfolio, restored]) {
      p.advanceTo(next);
      p.markToMarket("XXA", 104.5);
      p.markToMarket("XXB", 52.5);
    }
    expect(restored.state()).toEqual(portfolio.state());
  });

  it("restores the day's opening value across a day boundary, several fills of the first bar included", async () => {
    const { journal, bar, repository, portfolio } = await live();
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 100, 100)]);
    await journal.snapshot();
    // After the last snapshot of day 1: a fill at 101, then the close marks XXA at 110.
    bar(day1 + 60_000, "XXA", 110, [execution(day1 + 60_000, "XXA", "BUY", 100, 101)]);
    // Day 2 opens: the opening value is taken at the marks of day 1's close,
    // 100,000 − 10,000 − 10,100 + 200 × 110 = 101,900; then two fills in the same bar.
    bar(day2, "XXA", 108, [execution(day2, "XXA", "SELL", 50, 109), execution(day2, "XXA", "SELL", 30, 108.5)]);
    expect(portfolio.dayOpenValue).toBe(101_900);
    await settle();
    await journal.flush();
    const { snapshot, fills } = await repository.load("paper");
    // The new day's snapshot covers both fills of the bar, exactly.
    expect(snapshot?.seq).toBe(4);
    expect(fills).toEqual([]);
    const { portfolio: restored } = await restore(repository);
    expect(restored.state()).toEqual(portfolio.state());
    expect(restored.dayOpenValue).toBe(101_900);
    expect(restored.dailyPnl()).toBe(portfolio.dailyPnl());
  });
});

/** Fails the next `failures` writes of fills; `acknowledgeLost` writes them first (a lost reply). */
class FlakyRepository extends MemoryPortfolioRepository {
  failures = 0;
  acknowledgeLost = false;
  readonly attempts: number[][] = [];

  override async appendFills(portfolioId: string, fills: readonly PortfolioFillRecord[]): Promise<void> {
    this.attempts.push(fills.map((f) => f.seq));
    if (this.failures > 0) {
      this.failures -= 1;
      if (this.acknowledgeLost) await super.appendFills(portfolioId, fills);
      throw new Error("connection reset");
    }
    await super.appendFills(portfolioId, fills);
  }
}

describe("PortfolioJournal: failed writes", () => {
  it("keeps a fill whose write failed and writes it, in order, with the next", async () => {
    const repository = new FlakyRepository();
    const { journal, bar, logger } = await live(repository);
    // Each write tries the whole backlog: recording f1 and flushing fail, f2 and flushing fail.
    repository.failures = 4;
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 10, 100)]);
    await journal.flush();
    expect(journal.backlog).toBe(1);
    bar(day1 + 60_000, "XXA", 100, [execution(day1 + 60_000, "XXA", "BUY", 20, 100)]);
    await journal.flush();
    expect(journal.backlog).toBe(2);
    expect((await repository.load("paper")).fills).toEqual([]);
    bar(day1 + 120_000, "XXA", 100, [execution(day1 + 120_000, "XXA", "BUY", 30, 100)]);
    await journal.flush();
    expect(journal.backlog).toBe(0);
    expect(repository.attempts).toEqual([[1], [1], [1, 2], [1, 2], [1, 2, 3]]);
    expect((await repository.load("paper")).fills.map((f) => [f.seq, f.quantity])).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    // One error for the outage, one line when it is over.
    expect(logger.lines.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
      "fill journal write failed",
    ]);
    expect(logger.lines.filter((l) => l.level === "info").map((l) => l.message)).toEqual([
      "fill journal writes succeed again",
    ]);
  });

  it("retries a write whose reply was lost without journalling a fill twice", async () => {
    const repository = new FlakyRepository();
    const { journal, bar } = await live(repository);
    repository.failures = 1;
    repository.acknowledgeLost = true;
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 10, 100)]);
    bar(day1 + 60_000, "XXA", 100, [execution(day1 + 60_000, "XXA", "BUY", 20, 100)]);
    await journal.flush();
    // Both fills queue before the first write runs: written, reply lost, written again.
    expect(repository.attempts).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(journal.backlog).toBe(0);
    expect((await repository.load("paper")).fills.map((f) => f.seq)).toEqual([1, 2]);
  });

  it("stores a snapshot even while fill writes fail: it covers them, and the restore is exact", async () => {
    const repository = new FlakyRepository();
    const { journal, bar, portfolio } = await live(repository);
    repository.failures = 10;
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 10, 100)]);
    bar(day1 + 60_000, "XXB", 50, [execution(day1 + 60_000, "XXB", "BUY", 20, 50)]);
    await journal.snapshot();
    expect(journal.backlog).toBe(2);
    const { portfolio: restored, seq } = await restore(repository);
    expect(seq).toBe(2);
    expect(restored.state()).toEqual(portfolio.state());
  });

  it("writes nothing while suspended and the backlog on resume", async () => {
    const { journal, bar, repository } = await live();
    journal.suspend();
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 10, 100)]);
    await journal.flush();
    await expect(journal.snapshot()).rejects.toThrow(/suspended/);
    expect(await repository.load("paper")).toEqual({ snapshot: null, fills: [] });
    await journal.resume();
    expect((await repository.load("paper")).fills.map((f) => f.seq)).toEqual([1]);
  });

  it("stores snapshots in the order they were taken, however long each write takes", async () => {
    class SlowFirstSnapshot extends MemoryPortfolioRepository {
      #calls = 0;
      override async saveSnapshot(portfolioId: string, snapshot: PortfolioSnapshotRecord): Promise<void> {
        this.#calls += 1;
        if (this.#calls === 1) await new Promise((resolve) => setTimeout(resolve, 30));
        await super.saveSnapshot(portfolioId, snapshot);
      }
    }
    const repository = new SlowFirstSnapshot();
    const { journal, bar, portfolio } = await live(repository);
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 10, 100)]);
    const first = journal.snapshot();
    bar(day1, "XXA", 100, [execution(day1, "XXA", "BUY", 5, 100)]);
    const second = journal.snapshot();
    await Promise.all([first, second]);
    expect((await repository.load("paper")).snapshot?.seq).toBe(2);
    expect((await restore(repository)).portfolio.state()).toEqual(portfolio.state());
  });
});
