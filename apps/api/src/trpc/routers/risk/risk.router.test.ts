import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueKey, riskKit, riskTestServer } from "../../../testing/risk-test-kit";

let kit: Awaited<ReturnType<typeof riskKit>>;
let app: Awaited<ReturnType<typeof riskTestServer>>;
let officer: string;
let admin: string;
let trader: string;

beforeEach(async () => {
  kit = await riskKit();
  app = await riskTestServer(kit);
  officer = (await issueKey(kit.apiKeys, "officer@example.com", "risk_officer")).key;
  admin = (await issueKey(kit.apiKeys, "admin@example.com", "admin")).key;
  trader = (await issueKey(kit.apiKeys, "trader@example.com", "trader")).key;
});

afterEach(async () => {
  await app.close();
});

const headers = (key?: string) => (key === undefined ? {} : { authorization: `Bearer ${key}` });

async function query(path: string, key?: string) {
  const response = await app.inject({ method: "GET", url: `/trpc/${path}`, headers: headers(key) });
  return { status: response.statusCode, body: response.json() };
}

async function mutate(path: string, input: unknown, key?: string) {
  const response = await app.inject({
    method: "POST",
    url: `/trpc/${path}`,
    payload: input as object,
    headers: headers(key),
  });
  return { status: response.statusCode, body: response.json() };
}

describe("the risk tRPC router", () => {
  it("tells who a key belongs to, null without one, UNAUTHORIZED for an invalid one", async () => {
    expect((await query("risk.whoami", officer)).body.result.data).toEqual({
      email: "officer@example.com",
      role: "risk_officer",
    });
    expect((await query("risk.whoami")).body.result.data).toBeNull();
    const invalid = await query("risk.whoami", "tro_AAAAAAAA_forged-forged-forged-forged-forged-forged-forg");
    expect(invalid.status).toBe(401);
    expect(invalid.body.error.data.code).toBe("UNAUTHORIZED");
  });

  it("sets the trading state for a risk officer only: UNAUTHORIZED without a key, FORBIDDEN for a trader", async () => {
    const input = { state: "HALTED", reason: "market incident" };
    const anonymous = await mutate("risk.setTradingState", input);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.data.code).toBe("UNAUTHORIZED");
    const asTrader = await mutate("risk.setTradingState", input, trader);
    expect(asTrader.status).toBe(403);
    expect(asTrader.body.error.data.code).toBe("FORBIDDEN");
    expect(kit.controls.tradingState.state).toBe("ACTIVE");

    const done = await mutate("risk.setTradingState", input, officer);
    expect(done.status).toBe(200);
    expect(done.body.result.data).toEqual({
      state: "HALTED",
      setBy: "officer@example.com",
      role: "risk_officer",
      reason: "market incident",
      time: kit.clock.now() + 1,
    });
    expect(kit.controls.tradingState.state).toBe("HALTED");
    expect(kit.gate.tradingState.state).toBe("HALTED");
    expect((await mutate("risk.setTradingState", { state: "HALTED", reason: "x" }, officer)).status).toBe(400);
  });

  it("revises limits for a risk officer or an admin, BAD_REQUEST for values the limits refuse", async () => {
    const limits = { maxSectorShare: 0.4, sectorWarnShare: 0.35 };
    expect((await mutate("risk.reviseLimits", { limits, reason: "tighter sectors" }, trader)).status).toBe(403);
    const revised = await mutate("risk.reviseLimits", { limits, reason: "tighter sectors" }, admin);
    expect(revised.status).toBe(200);
    expect(revised.body.result.data).toMatchObject({ version: 2, maxSectorShare: 0.4, sectorWarnShare: 0.35 });
    const refused = await mutate(
      "risk.reviseLimits",
      { limits: { maxSectorShare: 0.3 }, reason: "too tight" },
      officer,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain("sector warning above its limit");
    expect(kit.controls.limits.version).toBe(2);
  });

  it("gives the Risk page its overview: controls with the audit trail, no state or HRP before the first risk state", async () => {
    await mutate("risk.setTradingState", { state: "REDUCING", reason: "drawdown review" }, officer);
    const overview = (await query("risk.overview")).body.result.data;
    expect(overview.controls.limits).toMatchObject({ version: 1, maxPositionShare: 0.25 });
    expect(overview.controls.tradingState).toMatchObject({ state: "REDUCING", setBy: "officer@example.com" });
    expect(overview.controls.audit).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{20}$/),
        time: kit.clock.now() + 1,
        actor: "officer@example.com",
        role: "risk_officer",
        action: "trading_state.reduce",
        reason: "drawdown review",
        old: expect.objectContaining({ state: "ACTIVE" }),
        new: { state: "REDUCING" },
      },
    ]);
    expect(overview).toMatchObject({ state: null, hrp: null, alerts: [] });
  });
});
