import { randomBytes } from "node:crypto";
import { type RiskControlRepository, silentLogger } from "@tradeops/core";
import { createPrismaClient, type PrismaClient } from "@tradeops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../runtime/database";
import { servicesEnv } from "../testing/services-env";
import { PortfolioLease } from "./portfolio-lease";

/*
 * The lease over PostgreSQL: two processes, each with its own connection pool, on a scratch
 * database of the services' server (migrated as a process migrates it, dropped afterwards).
 */

const ttlMs = 600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const scratch = `tradeops_lease_${randomBytes(6).toString("hex")}`;

let admin: PrismaClient;
let one: Database;
let two: Database;

beforeAll(async () => {
  const server = servicesEnv().DATABASE_URL;
  admin = createPrismaClient({ connectionString: server, poolMax: 1 });
  await admin.$executeRawUnsafe(`CREATE DATABASE ${scratch}`);
  const url = new URL(server);
  url.pathname = `/${scratch}`;
  one = await openDatabase({ url: url.toString(), poolMax: 2, migrate: true, logger: silentLogger });
  two = await openDatabase({ url: url.toString(), poolMax: 2, migrate: false, logger: silentLogger });
});

afterAll(async () => {
  await one?.close();
  await two?.close();
  // Retried while a closing connection still holds the database.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${scratch}`);
      break;
    } catch {
      await sleep(100);
    }
  }
  await admin?.$disconnect();
});

async function portfolio(): Promise<string> {
  const id = `lease-test-${randomBytes(4).toString("hex")}`;
  await one.repositories.portfolios.ensurePortfolio({ id, name: id, initialCapital: 1_000 });
  return id;
}

function lease(database: Database, portfolioId: string, holder: string) {
  const changes: boolean[] = [];
  let lapses = 0;
  const l = new PortfolioLease({
    repository: database.repositories.riskControls,
    portfolioId,
    holder,
    logger: silentLogger,
    ttlMs,
  });
  l.onChange((held) => changes.push(held));
  l.onLapse(() => {
    lapses += 1;
  });
  return { lease: l, changes, lapses: () => lapses };
}

describe("PortfolioLease over PostgreSQL", () => {
  it("has one holder at a time, renewed past its TTL, and hands over on release", async () => {
    const id = await portfolio();
    const a = lease(one, id, "process-a");
    const b = lease(two, id, "process-b");
    await a.lease.acquire(new AbortController().signal);
    let bHolds = false;
    const waiting = b.lease.acquire(new AbortController().signal).then(() => {
      bHolds = true;
    });
    await sleep(2 * ttlMs);
    expect(bHolds).toBe(false);
    expect(a.lease.held).toBe(true);
    await a.lease.release();
    await waiting;
    expect(b.lease.held).toBe(true);
    expect(await one.repositories.riskControls.acquireLease(id, "process-a", ttlMs)).toBe(false);
    await b.lease.release();
    expect(a.changes).toEqual([]);
    expect(b.changes).toEqual([]);
  });

  it("lets another process take over once the holder's connection is cut and its lease expired", async () => {
    const id = await portfolio();
    let severed = false;
    const real = one.repositories.riskControls;
    // Process A's way to the database, which the test can cut.
    const cuttable: RiskControlRepository = {
      currentLimits: (portfolioId) => real.currentLimits(portfolioId),
      saveLimits: (...args) => real.saveLimits(...args),
      currentTradingState: (portfolioId) => real.currentTradingState(portfolioId),
      saveTradingState: (...args) => real.saveTradingState(...args),
      auditTrail: (...args) => real.auditTrail(...args),
      acquireLease: async (...args) => {
        if (severed) throw new Error("connection terminated");
        return real.acquireLease(...args);
      },
      releaseLease: async (...args) => {
        if (severed) throw new Error("connection terminated");
        await real.releaseLease(...args);
      },
    };
    const changes: boolean[] = [];
    let lapses = 0;
    const a = new PortfolioLease({
      repository: cuttable,
      portfolioId: id,
      holder: "process-a",
      logger: silentLogger,
      ttlMs,
    });
    a.onChange((held) => changes.push(held));
    a.onLapse(() => {
      lapses += 1;
    });
    const b = lease(two, id, "process-b");
    await a.acquire(new AbortController().signal);
    severed = true;
    const cut = performance.now();
    await b.lease.acquire(new AbortController().signal);
    // Not before A's last renewal (at most a third of the TTL before the cut) had expired.
    expect(performance.now() - cut).toBeGreaterThan((2 * ttlMs) / 3 - 50);
    expect(b.lease.held).toBe(true);
    expect(changes).toEqual([false]);
    await sleep(ttlMs / 2);
    expect(lapses).toBe(1);
    expect(a.held).toBe(false);
    severed = false;
    await a.release();
    expect(await one.repositories.riskControls.acquireLease(id, "process-c", ttlMs)).toBe(false);
    await b.lease.release();
    expect(await one.repositories.riskControls.acquireLease(id, "process-c", ttlMs)).toBe(true);
  });

  it("a holder whose lease was taken over reports the loss and lapses at its next renewal", async () => {
    const id = await portfolio();
    const a = lease(one, id, "process-a");
    await a.lease.acquire(new AbortController().signal);
    // Taken over behind A's back, as after a pause longer than the TTL.
    await two.repositories.riskControls.releaseLease(id, "process-a");
    expect(await two.repositories.riskControls.acquireLease(id, "process-b", 60_000)).toBe(true);
    await sleep(ttlMs / 3 + ttlMs / 6);
    expect(a.changes).toEqual([false]);
    expect(a.lapses()).toBe(1);
    expect(a.lease.held).toBe(false);
    // A's release leaves B's lease alone.
    await a.lease.release();
    expect(await one.repositories.riskControls.acquireLease(id, "process-c", 60_000)).toBe(false);
    await two.repositories.riskControls.releaseLease(id, "process-b");
  });
});
