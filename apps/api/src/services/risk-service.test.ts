import { silentLogger } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error";
import { riskKit } from "../testing/risk-test-kit";
import { readRiskActor, riskActorOf } from "./risk-actor";
import { RiskService } from "./risk-service";

const order = { symbol: "AAA", action: "BUY" as const, quantity: 10, estimated_price: 100 };

async function statusOf(run: () => Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await run().then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return { status: (error as ApiError).statusCode, code: (error as ApiError).code };
}

describe("RiskService", () => {
  it("answers 503 RISK_NOT_READY while the controls are loading or failed to load, then serves", async () => {
    const kit = await riskKit();
    let loaded: (value: typeof kit.controls) => void = () => {};
    const loading = new Promise<typeof kit.controls>((resolve) => {
      loaded = resolve;
    });
    const service = (controls: () => Promise<typeof kit.controls>) =>
      new RiskService({
        controls,
        gate: () => kit.gate,
        feed: kit.feed,
        sectors: kit.sectors,
        now: () => kit.clock.now(),
        logger: silentLogger,
        controlsWaitMs: 20,
      });
    const waiting = service(() => loading);
    expect(await statusOf(() => waiting.check(order, undefined))).toEqual({ status: 503, code: "RISK_NOT_READY" });
    expect(await statusOf(() => waiting.controls())).toEqual({ status: 503, code: "RISK_NOT_READY" });
    const failed = service(() => Promise.reject(new Error("database down")));
    expect(await statusOf(() => failed.check(order, undefined))).toEqual({ status: 503, code: "RISK_NOT_READY" });
    loaded(kit.controls);
    const portfolio_state = { total_value: 1_000_000, cash: 1_000_000, positions: {} };
    expect(await waiting.check({ ...order, portfolio_state }, undefined)).toMatchObject({ approved: true });
  });

  it("records a person's role in the actor id and reads it back; the platform's actors stay whole", () => {
    const actor = riskActorOf({ userId: "u1", email: "ann@example.com", role: "risk_officer", keyId: "k1" });
    expect(actor).toEqual({ id: "risk_officer:ann@example.com", role: "risk_officer" });
    expect(readRiskActor(actor.id)).toEqual({ actor: "ann@example.com", role: "risk_officer" });
    expect(readRiskActor("system:risk-gate")).toEqual({ actor: "system:risk-gate", role: "system" });
    expect(readRiskActor("system")).toEqual({ actor: "system", role: "system" });
    expect(readRiskActor("someone")).toEqual({ actor: "someone", role: null });
  });
});
