import { describe, expect, it } from "vitest";
import { DecisionEngine, type DecisionOutcome } from "../decision/decision-engine";
import { seededDecisionIds } from "../decision/decision-id";
import { handRegimeDetector, linearSoftmaxMlp, loadSpecialist, recordingSink } from "../decision/decision-test-support";
import type { SpecialistBinding } from "../decision/specialist-scoring";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryFeatureCache } from "../embedded/memory-feature-cache";
import { type Bar, barEndTime } from "../market/bar";
import { MarketSimulator } from "../market/market-simulator";
import { defaultUniverse } from "../market/universe";
import { MetaController } from "../meta/meta-controller";
import { silentLogger } from "../ports/logger";
import { Prng } from "../random/prng";
import { Portfolio, sectorMap } from "../risk/portfolio";
import type { ExecutionRecord } from "../risk/simulated-execution";
import { MemoryPortfolioRepository } from "./memory-portfolio-repository";
import { PortfolioJournal, restorePortfolio } from "./portfolio-journal";

const start = Date.parse("2024-03-04T14:30:00Z");
const universe = defaultUniverse(5);
const sectors = sectorMap(universe);
const startingCash = 1_000_000;
const totalSteps = 220;
/** The engine may stop once it has traded for a while: the first step from here with no order pending. */
const earliestStop = 120;

/** The decision engine tests' specialists: known functions of returns_5, rsi_14 and macd_histogram. */
async function specialists(): Promise<SpecialistBinding[]> {
  return [
    await loadSpecialist("bull_specialist", linearSoftmaxMlp(1, [[-500], [0], [500]], [0, 0, 0]), ["returns_5"], 4),
    await loadSpecialist("bear_specialist", linearSoftmaxMlp(1, [[0.1], [0], [-0.1]], [-5, 0, 5]), ["rsi_14"], 2),
    await loadSpecialist(
      "sideways_specialist",
      linearSoftmaxMlp(1, [[-10], [0], [10]], [0, 1, 0]),
      ["macd_histogram"],
      7,
    ),
  ];
}

function marketSteps(): Bar[][] {
  const simulator = new MarketSimulator({ seed: 42, symbols: universe, timeframe: "1min", startTime: start });
  return Array.from({ length: totalSteps }, () => simulator.nextBars());
}

/** An engine over `portfolio` as the decisions role builds one, the same seeds every time. */
async function engine(portfolio: Portfolio, clock: ManualClock, onExecution?: (record: ExecutionRecord) => void) {
  return new DecisionEngine(
    {
      clock,
      logger: silentLogger,
      cache: new MemoryFeatureCache({ clock }),
      events: recordingSink(),
      specialists: await specialists(),
      regimeDetector: handRegimeDetector(),
      metaController: new MetaController(),
      portfolio,
      newDecisionId: seededDecisionIds(Prng.fromSeed(99)),
      ...(onExecution === undefined ? {} : { onExecution }),
    },
    { timeframe: "1min", portfolioId: "paper" },
  );
}

interface Step {
  readonly decisions: Pick<DecisionOutcome, "decisionId" | "symbol" | "action" | "quantity" | "price" | "score">[];
  readonly state: ReturnType<Portfolio["state"]>;
}

async function step(e: DecisionEngine, clock: ManualClock, bars: readonly Bar[]): Promise<Step> {
  clock.set(barEndTime(bars[0] as Bar));
  const decisions: Step["decisions"] = [];
  for (const bar of bars) {
    const outcome = await e.onBar(bar);
    if (outcome !== null) {
      const { decisionId, symbol, action, quantity, price, score } = outcome;
      decisions.push({ decisionId, symbol, action, quantity, price, score });
    }
  }
  return { decisions, state: e.portfolio.state() };
}

const nothingPending = (e: DecisionEngine) => universe.every((s) => e.execution.pending(s.symbol).length === 0);

describe("A restart resumes the live portfolio exactly", () => {
  it("restores the journalled portfolio as it was at the stop, and then trades exactly as an engine that never stopped", async () => {
    const steps = marketSteps();

    // The engine that never stops.
    const clockA = new ManualClock(start);
    const a = await engine(new Portfolio({ startingCash, sectors }), clockA);
    const never: Step[] = [];
    for (const bars of steps) never.push(await step(a, clockA, bars));

    // The engine that stops: its fills journalled, a snapshot every 50 steps.
    const repository = new MemoryPortfolioRepository();
    await repository.ensurePortfolio({ id: "paper", name: "paper", initialCapital: startingCash });
    const clockB = new ManualClock(start);
    const live = new Portfolio({ startingCash, sectors });
    let journal: PortfolioJournal | undefined;
    const b = await engine(live, clockB, (record) => journal?.record(record));
    journal = new PortfolioJournal({
      portfolioId: "paper",
      portfolio: live,
      repository,
      seq: 0,
      clock: clockB,
      logger: silentLogger,
    });
    let stopAt = -1;
    let fills = 0;
    for (const [i, bars] of steps.entries()) {
      const done = await step(b, clockB, bars);
      expect(done).toEqual(never[i]);
      fills = journal.seq;
      if (i % 50 === 49) await journal.snapshot();
      if (i + 1 >= earliestStop && nothingPending(b)) {
        stopAt = i + 1;
        break;
      }
    }
    expect(stopAt).toBeGreaterThan(0);
    expect(fills).toBeGreaterThan(10);
    expect(b.gate.reservations()).toEqual([]);

    // The crash: nothing more is written; what the journal holds is the last snapshot and the
    // fills after it. Then the graceful stop, as the role does it: a final snapshot.
    await journal.flush();
    const crashed = await repository.load("paper");
    expect(crashed.snapshot).not.toBeNull();
    expect(crashed.fills.length).toBeGreaterThan(0);
    await journal.snapshot();
    const stopped = live.state();

    const graceful = restorePortfolio(await repository.load("paper"), { startingCash, sectors });
    expect(graceful.seq).toBe(fills);
    expect(graceful.portfolio.state()).toEqual(stopped);
    const fromCrash = restorePortfolio(crashed, { startingCash, sectors });
    expect(fromCrash.seq).toBe(fills);
    // After a crash the book is exact; each position is marked at its last fill until its next bar.
    const book = (state: typeof stopped) => ({
      ...state,
      asOf: null,
      positions: state.positions.map((p) => ({ ...p, lastPrice: 0 })),
    });
    expect(book(fromCrash.portfolio.state())).toEqual(book(stopped));

    for (const restored of [graceful, fromCrash]) {
      // A new engine over the restored portfolio warms up on the bars before the stop with its gate
      // suspended (no order, no fill), then goes on from the stop.
      const clockC = new ManualClock(start);
      const journalC = new PortfolioJournal({
        portfolioId: "paper",
        portfolio: restored.portfolio,
        repository: new MemoryPortfolioRepository(),
        seq: restored.seq,
        clock: clockC,
        logger: silentLogger,
      });
      const c = await engine(restored.portfolio, clockC, (record) => journalC.record(record));
      c.gate.suspend("warming up after a restart");
      for (const bars of steps.slice(0, stopAt)) await step(c, clockC, bars);
      c.gate.resume();
      expect(journalC.seq).toBe(fills);
      expect(restored.portfolio.state()).toEqual(stopped);
      for (let i = stopAt; i < totalSteps; i += 1) {
        const resumed = await step(c, clockC, steps[i] as Bar[]);
        expect(resumed).toEqual(never[i]);
      }
      expect(journalC.seq).toBeGreaterThan(fills);
    }
    // It did go on trading after the stop.
    expect(never.slice(stopAt).some((s) => s.decisions.some((d) => d.action !== "HOLD"))).toBe(true);
  });
});
