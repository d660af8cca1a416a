import { MemoryRiskControlRepository, type RiskControlRepository, silentLogger } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { PortfolioLease, type PortfolioWriter, runAsSingleWriter } from "./portfolio-lease";

const ttlMs = 600;
/** Half a renewal period: margin for timers on a loaded machine. */
const margin = ttlMs / 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The shared repository as one process sees it: its calls can be made to fail or to lag. */
class ProcessView implements RiskControlRepository {
  failing = false;
  lagMs = 0;
  readonly #shared: RiskControlRepository;

  constructor(shared: RiskControlRepository) {
    this.#shared = shared;
  }

  currentLimits: RiskControlRepository["currentLimits"] = (id) => this.#shared.currentLimits(id);
  saveLimits: RiskControlRepository["saveLimits"] = (...args) => this.#shared.saveLimits(...args);
  currentTradingState: RiskControlRepository["currentTradingState"] = (id) => this.#shared.currentTradingState(id);
  saveTradingState: RiskControlRepository["saveTradingState"] = (...args) => this.#shared.saveTradingState(...args);
  auditTrail: RiskControlRepository["auditTrail"] = (...args) => this.#shared.auditTrail(...args);

  async acquireLease(portfolioId: string, holder: string, ttl: number): Promise<boolean> {
    if (this.lagMs > 0) await sleep(this.lagMs);
    if (this.failing) throw new Error("connection refused");
    return this.#shared.acquireLease(portfolioId, holder, ttl);
  }

  async releaseLease(portfolioId: string, holder: string): Promise<void> {
    if (this.failing) throw new Error("connection refused");
    await this.#shared.releaseLease(portfolioId, holder);
  }
}

function processes(count: number) {
  const shared = new MemoryRiskControlRepository();
  return Array.from({ length: count }, (_, i) => {
    const view = new ProcessView(shared);
    const changes: boolean[] = [];
    let lapses = 0;
    const lease = new PortfolioLease({
      repository: view,
      portfolioId: "paper",
      holder: `process-${i}`,
      logger: silentLogger,
      ttlMs,
    });
    lease.onChange((held) => changes.push(held));
    lease.onLapse(() => {
      lapses += 1;
    });
    return { view, lease, changes, lapses: () => lapses, shared };
  });
}

/** Waits until `done` holds, failing after `ms`. */
async function waitFor(done: () => boolean, ms: number): Promise<void> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await sleep(5);
  }
}

/** Resolves to whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await sleep(ms);
  return settled;
}

describe("PortfolioLease", () => {
  it("has one holder at a time, keeps it by renewing, and hands it over on release", async () => {
    const [a, b] = processes(2);
    if (a === undefined || b === undefined) throw new Error("two processes");
    await a.lease.acquire(new AbortController().signal);
    expect(a.lease.held).toBe(true);
    const waiting = b.lease.acquire(new AbortController().signal);
    // Two TTLs: without renewals the lease would have expired.
    expect(await settlesWithin(waiting, 2 * ttlMs)).toBe(false);
    expect(a.lease.held).toBe(true);
    expect(b.lease.held).toBe(false);
    const released = performance.now();
    await a.lease.release();
    expect(a.lease.held).toBe(false);
    await waiting;
    // B polls every third of the TTL.
    expect(performance.now() - released).toBeLessThan(ttlMs);
    expect(b.lease.held).toBe(true);
    expect(a.changes).toEqual([]);
    await b.lease.release();
  });

  it("lets another process take over once a holder that stopped renewing has expired", async () => {
    const [a, b] = processes(2);
    if (a === undefined || b === undefined) throw new Error("two processes");
    await a.lease.acquire(new AbortController().signal);
    // A loses the database: its next renewal fails, it reports the loss at once.
    a.view.failing = true;
    const lost = performance.now();
    const taken = b.lease.acquire(new AbortController().signal);
    await sleep(ttlMs / 3 + margin);
    expect(a.changes).toEqual([false]);
    expect(a.lease.held).toBe(false);
    await taken;
    // Not before A's lease expired (at most one renewal period before the failure was noticed).
    expect(performance.now() - lost).toBeGreaterThan((2 * ttlMs) / 3 - margin);
    expect(b.lease.held).toBe(true);
    // A's deadline has passed: lapsed, once, and it stopped trying.
    await sleep(ttlMs);
    expect(a.lapses()).toBe(1);
    a.view.failing = false;
    await sleep(ttlMs);
    expect(a.changes).toEqual([false]);
    expect(b.lease.held).toBe(true);
    expect(await b.shared.acquireLease("paper", "process-0", ttlMs)).toBe(false);
    await b.lease.release();
    await a.lease.release();
  });

  it("reports the lease regained when a renewal succeeds again before its deadline", async () => {
    const [a] = processes(1);
    if (a === undefined) throw new Error("one process");
    await a.lease.acquire(new AbortController().signal);
    a.view.failing = true;
    // One renewal fails (every 200 ms), then the database is back before the 600 ms deadline.
    await sleep(ttlMs / 3 + margin);
    expect(a.changes).toEqual([false]);
    a.view.failing = false;
    await sleep(ttlMs / 3 + margin);
    expect(a.changes).toEqual([false, true]);
    expect(a.lease.held).toBe(true);
    expect(a.lapses()).toBe(0);
    await a.lease.release();
  });

  it("lapses at once when another holder has the lease", async () => {
    const [a] = processes(1);
    if (a === undefined) throw new Error("one process");
    await a.lease.acquire(new AbortController().signal);
    // Taken behind its back (as after a long pause past the TTL).
    await a.shared.releaseLease("paper", "process-0");
    expect(await a.shared.acquireLease("paper", "intruder", 10_000)).toBe(true);
    await sleep(ttlMs / 3 + margin);
    expect(a.changes).toEqual([false]);
    expect(a.lapses()).toBe(1);
    expect(a.lease.held).toBe(false);
    // Releasing must not hand back the intruder's lease.
    await a.lease.release();
    expect(await a.shared.acquireLease("paper", "someone", 10)).toBe(false);
  });

  it("does not take the lease again with a renewal in flight at release", async () => {
    const [a, b] = processes(2);
    if (a === undefined || b === undefined) throw new Error("two processes");
    await a.lease.acquire(new AbortController().signal);
    // Renewals now take a while to reach the database: release while one is on its way.
    a.view.lagMs = margin;
    await sleep(ttlMs / 3 + margin / 2);
    await a.lease.release();
    // Once the renewal has landed, the lease is still free.
    await sleep(2 * margin);
    expect(await b.view.acquireLease("paper", "process-1", ttlMs)).toBe(true);
    expect(a.changes).toEqual([]);
  });

  it("stops waiting for the lease at once when the process stops", async () => {
    const shared = new MemoryRiskControlRepository();
    expect(await shared.acquireLease("paper", "other", 60_000)).toBe(true);
    const lease = new PortfolioLease({
      repository: shared,
      portfolioId: "paper",
      holder: "me",
      logger: silentLogger,
      ttlMs: 30_000,
    });
    const abort = new AbortController();
    const waiting = lease.acquire(abort.signal);
    await sleep(20);
    const stopped = performance.now();
    abort.abort();
    await expect(waiting).rejects.toThrow();
    // Not after the 10 s poll period.
    expect(performance.now() - stopped).toBeLessThan(500);
    expect(lease.held).toBe(false);
  });
});

describe("runAsSingleWriter", () => {
  function writers() {
    const log: string[] = [];
    let started = 0;
    const start = (name: string) => async (): Promise<PortfolioWriter> => {
      started += 1;
      const n = started;
      log.push(`${name}#${n} start`);
      return {
        async stop({ final }) {
          log.push(`${name}#${n} stop${final ? " final" : ""}`);
        },
      };
    };
    return { log, start };
  }

  it("runs one writer at a time, starts over after a lapse and stops with a last write", async () => {
    const [a, b] = processes(2);
    if (a === undefined || b === undefined) throw new Error("two processes");
    const { log, start } = writers();
    const abortA = new AbortController();
    const abortB = new AbortController();
    const runningA = await runAsSingleWriter(a.lease, abortA.signal, start("a"), silentLogger);
    const runningB = runAsSingleWriter(b.lease, abortB.signal, start("b"), silentLogger);
    await sleep(ttlMs);
    expect(log).toEqual(["a#1 start"]);

    // A loses the database past its deadline: its writer stops without a last write, B takes
    // over, and A stands by again.
    a.view.failing = true;
    const stopB = await runningB;
    await waitFor(() => log.length === 3, 2 * ttlMs);
    a.view.failing = false;
    // A's writer was suspended since the loss; whether it or B's comes first is a matter of timers.
    expect([...log].sort()).toEqual(["a#1 start", "a#1 stop", "b#2 start"]);
    await sleep(ttlMs / 2);
    expect(log).toHaveLength(3);

    // B stops: last write, lease handed back; A starts a new writer.
    abortB.abort();
    await stopB.stop();
    await waitFor(() => log.length === 5, 2 * ttlMs);
    expect(log.slice(3)).toEqual(["b#2 stop final", "a#3 start"]);
    abortA.abort();
    await runningA.stop();
    expect(log.at(-1)).toBe("a#3 stop final");
    expect(await a.shared.acquireLease("paper", "next", ttlMs)).toBe(true);
  });

  it("hands the lease back when the writer fails to start", async () => {
    const [a] = processes(1);
    if (a === undefined) throw new Error("one process");
    await expect(
      runAsSingleWriter(
        a.lease,
        new AbortController().signal,
        async () => {
          throw new Error("no models");
        },
        silentLogger,
      ),
    ).rejects.toThrow(/no models/);
    expect(await a.shared.acquireLease("paper", "next", ttlMs)).toBe(true);
  });
});
