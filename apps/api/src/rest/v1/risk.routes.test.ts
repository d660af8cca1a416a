import { type PreTradeRejectionCode, preTradeRejectionCodes, type RiskLimitPatch } from "@tradeops/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueKey, riskKit, riskTestServer } from "../../testing/risk-test-kit";

type Kit = Awaited<ReturnType<typeof riskKit>>;
type App = Awaited<ReturnType<typeof riskTestServer>>;

let kit: Kit;
let app: App;
let officer: string;
let trader: string;
let researcher: string;

const symbols = ["AAA", "BBB", "CCC", "DDD"] as const;

/**
 * 200 one-minute bars of each symbol with small, differently shaped moves (a per-bar standard
 * deviation near 0.05%), ending at exactly 100, so the market risk model has a covariance and
 * every symbol's last price is 100.
 */
function feedMarket(): void {
  const bars = 200;
  const first = kit.clock.now() - bars * 60_000;
  for (let i = 0; i < bars; i += 1) {
    symbols.forEach((symbol, k) => {
      const close = i === bars - 1 ? 100 : 100 * (1 + 0.0005 * Math.sin(i * (0.7 + 0.45 * k) + k));
      kit.gate.observeBar({ symbol, time: first + i * 60_000, close });
    });
  }
}

beforeEach(async () => {
  kit = await riskKit();
  feedMarket();
  app = await riskTestServer(kit);
  officer = (await issueKey(kit.apiKeys, "officer@example.com", "risk_officer")).key;
  trader = (await issueKey(kit.apiKeys, "trader@example.com", "trader")).key;
  researcher = (await issueKey(kit.apiKeys, "researcher@example.com", "researcher")).key;
});

afterEach(async () => {
  await app.close();
});

const bearer = (key: string | null | undefined) => (key == null ? {} : { authorization: `Bearer ${key}` });

function check(body: Record<string, unknown>, key?: string) {
  return app.inject({ method: "POST", url: "/api/v1/risk/check", payload: body, headers: bearer(key) });
}

/** As the risk officer unless another key (or null: none) is given. */
async function putLimits(limits: RiskLimitPatch, key: string | null = officer) {
  return app.inject({
    method: "PUT",
    url: "/api/v1/risk/limits",
    payload: { limits, reason: "test scenario" },
    headers: bearer(key),
  });
}

async function putState(state: string, key: string | null = officer) {
  return app.inject({
    method: "PUT",
    url: "/api/v1/risk/trading-state",
    payload: { state, reason: "test scenario" },
    headers: bearer(key),
  });
}

const buy = (symbol: string, quantity: number, extra: Record<string, unknown> = {}) => ({
  symbol,
  action: "BUY",
  quantity,
  estimated_price: 100,
  ...extra,
});

const cashOnly = { total_value: 1_000_000, cash: 1_000_000, positions: {} };

interface Scenario {
  readonly code: PreTradeRejectionCode;
  readonly setup?: () => Promise<unknown>;
  /** Earlier requests of the scenario (their answers are not judged). */
  readonly before?: readonly Record<string, unknown>[];
  readonly request: Record<string, unknown>;
  readonly allowed: number;
  /** Judged with the trader's key (its own throttle and duplicate client). */
  readonly asTrader?: boolean;
}

/** One scenario per rejection code, each reaching it through POST /api/v1/risk/check. */
const scenarios: readonly Scenario[] = [
  { code: "TRADING_HALTED", setup: () => putState("HALTED"), request: buy("AAA", 10), allowed: 0 },
  { code: "REDUCE_ONLY", setup: () => putState("REDUCING"), request: buy("AAA", 10), allowed: 0 },
  {
    code: "THROTTLED",
    setup: () => putLimits({ throttle: { maxMessages: 2, perMs: 60_000 } }),
    before: [buy("AAA", 10), buy("AAA", 11)],
    request: buy("AAA", 12),
    allowed: 0,
    asTrader: true,
  },
  { code: "DUPLICATE_ORDER", before: [buy("AAA", 10)], request: buy("AAA", 10), allowed: 0, asTrader: true },
  { code: "PRICE_COLLAR", request: buy("AAA", 10, { estimated_price: 110 }), allowed: 0 },
  {
    code: "MAX_ORDER_QUANTITY",
    setup: () => putLimits({ maxOrderQuantity: 50 }),
    request: buy("AAA", 60),
    allowed: 50,
  },
  {
    code: "MAX_ORDER_VALUE",
    setup: () => putLimits({ maxOrderValue: 10_000 }),
    request: buy("DDD", 40, { estimated_price: 300, portfolio_state: cashOnly }),
    allowed: 33,
  },
  {
    code: "INSUFFICIENT_CASH",
    request: buy("AAA", 1_500, {
      portfolio_state: {
        total_value: 1_000_000,
        cash: 100_000,
        positions: { CCC: { quantity: 9_000, current_price: 100 } },
      },
    }),
    allowed: 1_000,
  },
  { code: "INSUFFICIENT_POSITION", request: { ...buy("AAA", 10), action: "SELL" }, allowed: 0 },
  // 30% of a 1,000,000 portfolio in one symbol; 25% is 2,500 shares at 100.
  { code: "CONCENTRATION_LIMIT", request: buy("AAA", 3_000), allowed: 2_500 },
  {
    // 40% already in technology: a 20% position takes the sector to 60%, 1,000 shares fit under 50%.
    code: "SECTOR_LIMIT",
    request: buy("AAA", 2_000, {
      portfolio_state: {
        total_value: 1_000_000,
        cash: 600_000,
        positions: { BBB: { quantity: 4_000, current_price: 100 } },
      },
    }),
    allowed: 1_000,
  },
  {
    // Gross exposure 30% + 25% against a 50% leverage limit: 2,000 shares fit.
    code: "LEVERAGE_LIMIT",
    setup: () => putLimits({ maxLeverage: 0.5 }),
    request: buy("AAA", 2_500, {
      portfolio_state: {
        total_value: 1_000_000,
        cash: 700_000,
        positions: { CCC: { quantity: 3_000, current_price: 100 } },
      },
    }),
    allowed: 2_000,
  },
  {
    code: "DAILY_LOSS_LIMIT",
    request: buy("AAA", 10, { portfolio_state: { ...cashOnly, day_open_value: 1_030_000 } }),
    allowed: 0,
  },
];

describe("POST /api/v1/risk/check", () => {
  it("has a scenario for every rejection code", () => {
    const covered = new Set([...scenarios.map((s) => s.code), "VAR_LIMIT"]);
    expect([...covered].sort()).toEqual([...preTradeRejectionCodes].sort());
  });

  it.each(scenarios)("rejects with $code and the largest allowed quantity", async (scenario) => {
    if (scenario.setup) expect(((await scenario.setup()) as { statusCode: number }).statusCode).toBe(200);
    const key = scenario.asTrader ? trader : undefined;
    for (const earlier of scenario.before ?? []) expect((await check(earlier, key)).statusCode).toBe(200);
    const response = await check(scenario.request, key);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ approved: false, allowed_quantity: scenario.allowed });
    expect(body.rejection_reasons.map((r: { code: string }) => r.code)).toContain(scenario.code);
    for (const reason of body.rejection_reasons) {
      expect(reason).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        limit: expect.any(Number),
        proposed: expect.any(Number),
      });
    }
    expect(Date.parse(body.timestamp)).toBe(kit.clock.now());
  });

  it("rejects with VAR_LIMIT at the largest quantity under the VaR limit, which itself passes", async () => {
    expect((await putLimits({ maxVar95: { basis: "currency", value: 500 } })).statusCode).toBe(200);
    const request = buy("AAA", 1_000, { portfolio_state: cashOnly });
    const rejected = (await check(request)).json();
    expect(rejected.approved).toBe(false);
    expect(rejected.rejection_reasons.map((r: { code: string }) => r.code)).toEqual(["VAR_LIMIT"]);
    const allowed: number = rejected.allowed_quantity;
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThan(1_000);
    const atAllowed = (await check({ ...request, quantity: allowed })).json();
    expect(atAllowed.approved).toBe(true);
    expect(atAllowed.risk_assessment.portfolio_impact.var_after).toBeLessThanOrEqual(500);
    const above = (await check({ ...request, quantity: allowed + 1 })).json();
    expect(above.rejection_reasons.map((r: { code: string }) => r.code)).toEqual(["VAR_LIMIT"]);
  });

  it("approves with the spec's risk assessment and reserves the approval on the live portfolio", async () => {
    const response = await check(buy("AAA", 1_000));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      approved: true,
      risk_assessment: {
        position_after_trade: { quantity: 1_000, market_value: 100_000, pct_portfolio: 0.1 },
        portfolio_impact: { concentration_increase: 0.1 },
        limit_utilization: { position_size: 0.4, sector_exposure: 0.2 },
      },
      warnings: [],
      limits_version: 1,
      trading_state: "ACTIVE",
    });
    expect(body.risk_assessment.portfolio_impact.var_increase).toBeGreaterThan(0);
    expect(body.risk_assessment.limit_utilization.leverage).toBeCloseTo(0.1 / 1.5, 12);
    expect(kit.gate.reservations().map((r) => r.id)).toEqual([body.reservation_id]);
    expect(Date.parse(body.reservation_expires_at)).toBe(kit.clock.now() + 60_000);
  });

  it("checks a given portfolio without reserving anything", async () => {
    const body = (await check(buy("AAA", 1_000, { portfolio_state: cashOnly }))).json();
    expect(body.approved).toBe(true);
    expect(body.reservation_id).toBeUndefined();
    expect(kit.gate.reservations()).toEqual([]);
  });

  it("warns above the 23% alert threshold", async () => {
    const body = (await check(buy("AAA", 2_400))).json();
    expect(body.approved).toBe(true);
    expect(body.warnings).toEqual([expect.stringContaining("above the 23.0% alert threshold")]);
  });

  it.each([
    ["no body", undefined],
    ["a missing quantity", { symbol: "AAA", action: "BUY", estimated_price: 100 }],
    ["a zero quantity", buy("AAA", 0)],
    ["a fractional quantity", buy("AAA", 1.5)],
    ["a negative price", buy("AAA", 1, { estimated_price: -3 })],
    ["an unknown action", { ...buy("AAA", 1), action: "SHORT" }],
    ["a lower-case symbol", buy("aaa", 1)],
    ["an unknown field", buy("AAA", 1, { urgency: "high" })],
    [
      "a total value that cash and positions do not add up to",
      buy("AAA", 1, { portfolio_state: { ...cashOnly, cash: 10 } }),
    ],
    [
      "a fractional holding",
      buy("AAA", 1, {
        portfolio_state: {
          total_value: 1_000_050,
          cash: 1_000_000,
          positions: { BBB: { quantity: 0.5, current_price: 100 } },
        },
      }),
    ],
  ])("answers 400 for %s", async (_what, payload) => {
    const response = await app.inject({ method: "POST", url: "/api/v1/risk/check", payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("BAD_REQUEST");
  });

  it("answers 401 for an invalid key, even on an open endpoint", async () => {
    const response = await check(buy("AAA", 10), "tro_AAAAAAAA_not-a-real-key-not-a-real-key-not-a-real-key-aaa");
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHORIZED");
  });

  it("answers 503 PORTFOLIO_NOT_HOSTED without a live gate, and still checks a given portfolio", async () => {
    const elsewhere = await riskKit({ hostsPortfolio: false });
    const server = await riskTestServer(elsewhere);
    try {
      const live = await server.inject({ method: "POST", url: "/api/v1/risk/check", payload: buy("AAA", 10) });
      expect(live.statusCode).toBe(503);
      expect(live.json().error).toMatchObject({
        code: "PORTFOLIO_NOT_HOSTED",
        message: expect.stringContaining("portfolio_state"),
      });
      const given = await server.inject({
        method: "POST",
        url: "/api/v1/risk/check",
        payload: buy("AAA", 10, { portfolio_state: cashOnly }),
      });
      expect(given.json()).toMatchObject({ approved: true });
    } finally {
      await server.close();
    }
  });

  it("never lets 100 concurrent checks that each fit alone jointly exceed the concentration limit", async () => {
    expect((await putLimits({ throttle: { maxMessages: 1_000, perMs: 1_000 } })).statusCode).toBe(200);
    // Each order is 1.0–1.99% of the portfolio (distinct, so none is a duplicate); together they are ~150%.
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => check(buy("AAA", 100 + i), i % 2 === 0 ? trader : undefined)),
    );
    const bodies = responses.map((r) => r.json());
    const approved = bodies.filter((b) => b.approved);
    const approvedShares = approved.reduce((sum, b) => sum + b.risk_assessment.position_after_trade.quantity, 0);
    expect(approved.length).toBeGreaterThan(0);
    expect(approved.length).toBeLessThan(100);
    const reserved = kit.gate.reservations().reduce((sum, r) => sum + r.quantity * r.price, 0);
    expect(reserved).toBeLessThanOrEqual(0.25 * 1_000_000);
    expect(kit.gate.reservations()).toHaveLength(approved.length);
    // Each approval saw the ones before it: its position after the trade counts every earlier reservation.
    expect(Math.max(...approved.map((b) => b.risk_assessment.position_after_trade.quantity))).toBe(reserved / 100);
    expect(approvedShares).toBeGreaterThan(0);
    for (const body of bodies.filter((b) => !b.approved)) {
      expect(body.rejection_reasons.map((r: { code: string }) => r.code)).toEqual(["CONCENTRATION_LIMIT"]);
    }
  });
});

describe("risk controls over REST", () => {
  it("stops approvals once HALTED is set through PUT /risk/trading-state, and audits who did it", async () => {
    expect((await check(buy("AAA", 10))).json().approved).toBe(true);
    const halted = await putState("HALTED");
    expect(halted.statusCode).toBe(200);
    expect(halted.json()).toMatchObject({ state: "HALTED", setBy: "officer@example.com", role: "risk_officer" });
    const refused = (await check(buy("AAA", 11))).json();
    expect(refused.rejection_reasons.map((r: { code: string }) => r.code)).toEqual(["TRADING_HALTED"]);
    // A given portfolio is checked under the state in force too.
    const given = (await check(buy("AAA", 11, { portfolio_state: cashOnly }))).json();
    expect(given.rejection_reasons.map((r: { code: string }) => r.code)).toEqual(["TRADING_HALTED"]);

    const controls = (await app.inject({ method: "GET", url: "/api/v1/risk/controls" })).json();
    expect(controls.tradingState).toMatchObject({ state: "HALTED", setBy: "officer@example.com" });
    expect(controls.audit[0]).toMatchObject({
      actor: "officer@example.com",
      role: "risk_officer",
      action: "trading_state.halt",
      reason: "test scenario",
      old: { state: "ACTIVE" },
      new: { state: "HALTED" },
    });

    expect((await putState("HALTED")).json()).toMatchObject({ state: "HALTED" });
    expect((await putState("ACTIVE")).statusCode).toBe(200);
    expect((await check(buy("AAA", 12))).json().approved).toBe(true);
  });

  it("revises limits with a new version, applied to the next check; 400 for bad values", async () => {
    const revised = await putLimits({ maxPositionShare: 0.1, positionWarnShare: 0.09 });
    expect(revised.statusCode).toBe(200);
    expect(revised.json()).toMatchObject({ version: 2, maxPositionShare: 0.1 });
    const body = (await check(buy("AAA", 1_500))).json();
    expect(body).toMatchObject({ approved: false, allowed_quantity: 1_000, limits_version: 2 });

    const warnAboveLimit = await putLimits({ positionWarnShare: 0.2 });
    expect(warnAboveLimit.statusCode).toBe(400);
    expect(warnAboveLimit.json().error.message).toContain("position warning above its limit");
    expect((await putLimits({ maxPositionShare: 3 })).statusCode).toBe(400);
    const noReason = await app.inject({
      method: "PUT",
      url: "/api/v1/risk/limits",
      payload: { limits: { maxLeverage: 1.2 } },
      headers: bearer(officer),
    });
    expect(noReason.statusCode).toBe(400);
  });

  it.each([
    ["PUT /risk/limits", () => putLimits({ maxLeverage: 1.2 }, null), () => putLimits({ maxLeverage: 1.2 }, trader)],
    ["PUT /risk/trading-state", () => putState("HALTED", null), () => putState("HALTED", trader)],
  ])("%s answers 401 without a key and 403 for a trader", async (_what, anonymous, asTrader) => {
    const none = await anonymous();
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe("UNAUTHORIZED");
    const forbidden = await asTrader();
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe("FORBIDDEN");
    expect(kit.controls.limits.version).toBe(1);
    expect(kit.controls.tradingState.state).toBe("ACTIVE");
  });

  it("cancels a reservation so its exposure no longer counts (trader, risk officer or admin)", async () => {
    const first = (await check(buy("AAA", 2_000))).json();
    const second = (await check(buy("AAA", 1_000))).json();
    expect(second).toMatchObject({ approved: false, allowed_quantity: 500 });
    const url = `/api/v1/risk/reservations/${first.reservation_id}/cancel`;
    expect((await app.inject({ method: "POST", url })).statusCode).toBe(401);
    expect((await app.inject({ method: "POST", url, headers: bearer(researcher) })).statusCode).toBe(403);
    const cancelled = await app.inject({ method: "POST", url, headers: bearer(trader) });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ reservation_id: first.reservation_id, cancelled: true });
    expect((await check(buy("AAA", 1_001))).json().approved).toBe(true);
    const again = await app.inject({ method: "POST", url, headers: bearer(trader) });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe("RESERVATION_NOT_FOUND");
  });
});

describe("risk state, HRP and alerts", () => {
  it("answers 503 before the first periodic risk state, then the spec's risk state", async () => {
    expect((await app.inject({ method: "GET", url: "/api/v1/risk/state" })).json().error.code).toBe(
      "RISK_STATE_UNAVAILABLE",
    );
    expect((await app.inject({ method: "GET", url: "/api/v1/risk/hrp" })).statusCode).toBe(503);
    kit.portfolio.applyFill({ symbol: "AAA", side: "BUY", quantity: 1_000, price: 100 });
    kit.feed.takeState(periodicState({ hrp: true }));
    const state = await app.inject({ method: "GET", url: "/api/v1/risk/state" });
    expect(state.statusCode).toBe(200);
    expect(state.json()).toMatchObject({
      portfolio: { total_value: 1_000_000, cash: 900_000, positions: { AAA: { quantity: 1_000, pct_portfolio: 0.1 } } },
      risk_metrics: { var_95_1d: 1_234, portfolio_beta: 1.1, correlation_matrix: [[1]], sharpe_ratio_7d: 0.5 },
      limit_utilization: { max_position_size_pct: 0.1, max_sector_exposure_pct: 0.1, leverage_ratio: 0.1 },
      last_updated: new Date(kit.clock.now()).toISOString(),
      trading_state: "ACTIVE",
      limits_version: 1,
    });
    const hrp = (await app.inject({ method: "GET", url: "/api/v1/risk/hrp" })).json();
    expect(hrp.symbols).toEqual([
      { symbol: "AAA", target_weight: 0.6, current_weight: 1 },
      { symbol: "BBB", target_weight: 0.4, current_weight: 0 },
    ]);
  });

  it("answers HRP 503 while the state carries no targets, and lists alerts newest first", async () => {
    kit.feed.takeState(periodicState({ hrp: false }));
    expect((await app.inject({ method: "GET", url: "/api/v1/risk/hrp" })).json().error.code).toBe("HRP_UNAVAILABLE");
    for (const id of ["a1", "a2", "a3"]) kit.feed.takeAlert(alert(id));
    const alerts = (await app.inject({ method: "GET", url: "/api/v1/risk/alerts?limit=2" })).json().alerts;
    expect(alerts.map((a: { alert_id: string }) => a.alert_id)).toEqual(["a3", "a2"]);
    expect((await app.inject({ method: "GET", url: "/api/v1/risk/alerts?limit=0" })).statusCode).toBe(400);
  });
});

describe("the OpenAPI document", () => {
  it("documents every risk operation and describes every rejection code", async () => {
    const document = (await app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    for (const [path, method] of [
      ["/api/v1/risk/check", "post"],
      ["/api/v1/risk/reservations/{id}/cancel", "post"],
      ["/api/v1/risk/state", "get"],
      ["/api/v1/risk/hrp", "get"],
      ["/api/v1/risk/alerts", "get"],
      ["/api/v1/risk/controls", "get"],
      ["/api/v1/risk/limits", "put"],
      ["/api/v1/risk/trading-state", "put"],
    ] as const) {
      expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(document.paths["/api/v1/risk/limits"].put.security).toEqual([{ apiKey: [] }]);
    const text = JSON.stringify(document.paths["/api/v1/risk/check"].post.responses["200"]);
    for (const code of preTradeRejectionCodes) expect(text).toContain(`\`${code}\`: `);
    const enumValues = JSON.stringify(document.paths["/api/v1/risk/check"].post.responses["200"]).match(
      /"enum":\["TRADING_HALTED"[^\]]*\]/,
    );
    expect(enumValues?.[0]).toBe(`"enum":${JSON.stringify(preTradeRejectionCodes)}`);
  });
});

function periodicState(options: { hrp: boolean }) {
  const time = new Date(kit.clock.now()).toISOString();
  return {
    event_type: "portfolio_snapshot" as const,
    timestamp: time,
    portfolio_id: "main",
    portfolio: kit.portfolio.snapshot(),
    realized_pnl: 0,
    day_open_value: 1_000_000,
    daily_pnl: 0,
    limit_utilization: {
      max_position_size_pct: 0.1,
      max_sector_exposure_pct: 0.1,
      leverage_ratio: 0.1,
      daily_loss_limit_pct: 0,
    },
    limits: {
      max_position_size_pct: 0.25,
      max_sector_exposure_pct: 0.5,
      daily_loss_limit_pct: 0.02,
      max_leverage: 1.5,
    },
    risk_metrics: {
      var_95_1d: 1_234,
      var_95_1d_parametric: 1_200,
      portfolio_beta: 1.1,
      correlation_symbols: ["AAA"],
      correlation_matrix: [[1]],
      sharpe_ratio_7d: 0.5,
      max_drawdown_30d: 0.01,
      observations: { var_scenarios: 40, complete_bars: 200, beta_bars: 200, sharpe_returns: 200, equity_points: 201 },
    },
    hrp_target: options.hrp
      ? {
          symbols: ["AAA", "BBB"],
          weights: { AAA: 0.6, BBB: 0.4 },
          order: ["AAA", "BBB"],
          merges: [{ left: 0, right: 1, distance: 0.5, size: 2 }],
          observations: 200,
        }
      : null,
    last_updated: time,
    limits_version: 1,
    trading_state: "ACTIVE" as const,
  };
}

function alert(id: string) {
  return {
    event_type: "risk_alert" as const,
    alert_id: id,
    timestamp: new Date(kit.clock.now()).toISOString(),
    portfolio_id: "main",
    severity: "WARNING" as const,
    code: "POSITION_WARNING" as const,
    measure: "position_size" as const,
    subject: "AAA",
    value: 0.24,
    threshold: 0.23,
    message: "AAA is 24% of the portfolio",
    trigger: "fill" as const,
  };
}
