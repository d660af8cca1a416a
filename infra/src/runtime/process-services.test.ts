import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LiveRiskGate,
  MemoryPortfolioRepository,
  MemoryRiskControlRepository,
  Portfolio,
  type Repositories,
  type RiskControlRepository,
  silentLogger,
} from "@tradeops/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createResources, type ProcessResources } from "./create-resources";
import { ProcessServices } from "./process-services";
import { type RuntimeEnv, runtimeEnvShape } from "./runtime-env";

/*
 * ProcessServices' risk controls: two "processes" (each its own instance id, so its own consumer
 * group) on one in-process bus and one pair of memory repositories.
 */

const officer = { id: "ana@desk", role: "risk_officer" as const };
let folder = "";
let env: RuntimeEnv;
let resources: ProcessResources;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "process-services-"));
  env = z.object(runtimeEnvShape).parse({
    LOG_LEVEL: "silent",
    EVENT_SPILL_DIR: join(folder, "spill"),
    MODEL_STORE_DIR: join(folder, "models"),
  });
  resources = createResources(env, silentLogger);
});

afterAll(async () => {
  await resources?.close();
  await rm(folder, { recursive: true, force: true });
});

/** The repositories the risk controls use; the rest are never touched by them. */
function repositories(riskControls: RiskControlRepository = new MemoryRiskControlRepository()) {
  const portfolios = new MemoryPortfolioRepository();
  // Only the two repositories risk controls use exist: any other access would fail the test.
  return { portfolios, riskControls } as Pick<Repositories, "portfolios" | "riskControls"> as Repositories;
}

function services(instanceId: string, repos: Repositories, riskControlsRefreshMs = 60_000) {
  return new ProcessServices({
    env,
    resources,
    repositories: repos,
    logger: silentLogger,
    spillName: instanceId,
    riskControlsRefreshMs,
    instanceId,
  });
}

async function within(ms: number, done: () => boolean): Promise<number> {
  const started = performance.now();
  while (!done()) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now() - started;
}

describe("ProcessServices.riskControls", () => {
  it("loads the controls once, storing the defaults, for every caller", async () => {
    const repos = repositories();
    const s = services("once", repos);
    try {
      const [first, second] = await Promise.all([s.riskControls(), s.riskControls()]);
      expect(first).toBe(second);
      expect(first.limits.version).toBe(1);
      expect(first.tradingState.state).toBe("ACTIVE");
      expect((await repos.riskControls.currentLimits(env.PORTFOLIO_ID))?.version).toBe(1);
      expect(await repos.portfolios.load(env.PORTFOLIO_ID)).toEqual({ snapshot: null, fills: [] });
    } finally {
      await s.close();
    }
  });

  it("applies a halt set in another process well within a second, and the resume after it", async () => {
    const repos = repositories();
    const one = services("one", repos);
    const two = services("two", repos);
    try {
      const controlsOne = await one.riskControls();
      const controlsTwo = await two.riskControls();
      const portfolio = new Portfolio({ startingCash: 1_000_000 });
      const gate = new LiveRiskGate({
        portfolio,
        limits: controlsTwo.limits,
        tradingState: controlsTwo.tradingState,
        clock: resources.clock,
      });
      gate.follow(controlsTwo);
      gate.observeBar({ symbol: "XXA", time: 0, close: 100 });
      const order = (clientId: string) => ({ symbol: "XXA", side: "BUY" as const, quantity: 1, price: 100, clientId });
      expect(gate.check(order("a")).result.approved).toBe(true);

      const started = performance.now();
      expect(await controlsOne.setTradingState("HALTED", officer, "news pending")).toMatchObject({ ok: true });
      await within(1_000, () => controlsTwo.tradingState.state === "HALTED");
      expect(performance.now() - started).toBeLessThan(500);
      expect(gate.check(order("b")).result.rejection_reasons.map((r) => r.code)).toEqual(["TRADING_HALTED"]);

      expect(await controlsOne.setTradingState("ACTIVE", officer, "news out")).toMatchObject({ ok: true });
      await within(1_000, () => controlsTwo.tradingState.state === "ACTIVE");
      expect(gate.check(order("c")).result.approved).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("catches up from the database when a change was never announced", async () => {
    const repos = repositories();
    const s = services("refresh", repos, 30);
    try {
      const controls = await s.riskControls();
      // Written straight to the database, as by a process whose announcement was lost.
      await repos.riskControls.saveTradingState(
        {
          ...controls.tradingState,
          state: "REDUCING",
          setBy: "ana@desk",
          role: "risk_officer",
          reason: "wind down",
          time: controls.tradingState.time + 1,
        },
        "ACTIVE",
        null,
      );
      await within(1_000, () => controls.tradingState.state === "REDUCING");
    } finally {
      await s.close();
    }
  });

  it("tries again on the next call when loading failed", async () => {
    const real = new MemoryRiskControlRepository();
    let failures = 1;
    const flaky: RiskControlRepository = {
      currentLimits: async (id) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error("database starting up");
        }
        return real.currentLimits(id);
      },
      saveLimits: (...args) => real.saveLimits(...args),
      currentTradingState: (id) => real.currentTradingState(id),
      saveTradingState: (...args) => real.saveTradingState(...args),
      auditTrail: (...args) => real.auditTrail(...args),
      acquireLease: (...args) => real.acquireLease(...args),
      releaseLease: (...args) => real.releaseLease(...args),
    };
    const s = services("retry", repositories(flaky));
    try {
      await expect(s.riskControls()).rejects.toThrow(/starting up/);
      const controls = await s.riskControls();
      expect(controls.ready).toBe(true);
    } finally {
      await s.close();
    }
  });
});
