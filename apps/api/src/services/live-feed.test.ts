import {
  InProcessEventBus,
  marketRegimesTopic,
  type RegimeEstimateEvent,
  silentLogger,
  type TradingDecisionEvent,
  tradingDecisionsTopic,
} from "@tradeops/core";
import { waitFor } from "@tradeops/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { LiveFeed } from "./live-feed";

function regime(symbol: string, minute: number, bull: number): RegimeEstimateEvent {
  const bear = (1 - bull) / 2;
  return {
    event_type: "regime_estimate",
    timestamp: new Date(Date.UTC(2026, 0, 5, 14, minute)).toISOString(),
    symbol,
    timeframe: "1min",
    regime_probs: { bull, bear, sideways: 1 - bull - bear },
    entropy: 0.5,
    model_version: "hmm3-test",
  };
}

function decision(id: number, symbol: string): TradingDecisionEvent {
  return {
    event_type: "trading_decision",
    timestamp: new Date(Date.UTC(2026, 0, 5, 14, id)).toISOString(),
    decision_id: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
    symbol,
    action: "BUY",
    quantity: 10,
    confidence: 0.7,
    regime_probs: { bull: 0.6, bear: 0.2, sideways: 0.2 },
    strategy_weights: { bull_specialist: 0.6, bear_specialist: 0.2, sideways_specialist: 0.2 },
    features: { rsi_14: 50 },
    risk_checks: { position_limit_ok: true },
  };
}

const buses: InProcessEventBus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

async function startedFeed(options: { regimeWindow?: number; decisionWindow?: number } = {}) {
  const bus = new InProcessEventBus({});
  buses.push(bus);
  const feed = new LiveFeed({ bus, logger: silentLogger, groupId: "console-test", ...options });
  await feed.start();
  return { bus, feed };
}

describe("LiveFeed", () => {
  it("keeps a window of estimates per symbol and of decisions, newest decision first", async () => {
    const { bus, feed } = await startedFeed({ regimeWindow: 3, decisionWindow: 2 });
    await bus.publish(
      marketRegimesTopic,
      [0, 1, 2, 3].map((minute) => ({ key: "QXAB", payload: regime("QXAB", minute, 0.2 + minute / 10) })),
    );
    await bus.publish(marketRegimesTopic, [{ key: "ZZQA", payload: regime("ZZQA", 0, 0.5) }]);
    await bus.publish(
      tradingDecisionsTopic,
      [1, 2, 3].map((id) => ({ key: "QXAB", payload: decision(id, "QXAB") })),
    );
    await waitFor(() => feed.snapshot().decisions.length === 2 && feed.snapshot().symbols.length === 2, {
      timeoutMs: 5_000,
    });

    const snapshot = feed.snapshot("QXAB");
    expect(snapshot.symbols).toEqual(["QXAB", "ZZQA"]);
    expect(snapshot.regimes.map((r) => r.regime_probs.bull)).toEqual([0.30000000000000004, 0.4, 0.5]);
    expect(snapshot.decisions.map((d) => d.decision_id.slice(-1))).toEqual(["3", "2"]);
    expect(feed.snapshot().regimes[0]?.symbol).toBe("QXAB");
    await feed.stop();
  });

  it("streams new events to each subscriber until it aborts", async () => {
    const { bus, feed } = await startedFeed();
    const controller = new AbortController();
    const received: string[] = [];
    const consuming = (async () => {
      for await (const event of feed.events(controller.signal)) {
        received.push(event.type === "regime" ? `regime:${event.estimate.symbol}` : event.type);
        if (received.length === 2) controller.abort();
      }
    })();
    await bus.publish(marketRegimesTopic, [{ key: "QXAB", payload: regime("QXAB", 0, 0.5) }]);
    await bus.publish(tradingDecisionsTopic, [{ key: "QXAB", payload: decision(1, "QXAB") }]);
    await consuming;
    expect(received).toEqual(["regime:QXAB", "decision"]);
    await feed.stop();
  });

  it("ends a subscription that is aborted while waiting", async () => {
    const { feed } = await startedFeed();
    const controller = new AbortController();
    const iterator = feed.events(controller.signal)[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    await feed.stop();
  });
});
