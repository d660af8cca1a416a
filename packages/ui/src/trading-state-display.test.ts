import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { TradingStateDisplay, type TradingStateView, tradingStateTone } from "./trading-state-display";

const halted: TradingStateView = {
  state: "HALTED",
  setBy: "risk-officer@local.tradeops",
  role: "risk_officer",
  reason: "exchange outage",
  time: Date.UTC(2025, 9, 21, 14, 30, 0),
};

describe("TradingStateDisplay", () => {
  it("colours each state by how restrictive it is", () => {
    expect(tradingStateTone("ACTIVE")).toBe("ok");
    expect(tradingStateTone("REDUCING")).toBe("warn");
    expect(tradingStateTone("HALTED")).toBe("bad");
  });

  it("shows the state, who set it, when and why", () => {
    const markup = renderToStaticMarkup(createElement(TradingStateDisplay, { state: halted }));
    expect(markup).toContain('data-state="HALTED" data-tone="bad"');
    expect(markup).toMatch(/class="ui-trading-state-name ui-tone-bad" aria-label="Trading state in force">HALTED</);
    expect(markup).toContain("kill switch: no trade passes");
    expect(markup).toContain('risk-officer@local.tradeops <span class="muted">(risk_officer)</span>');
    expect(markup).toContain("2025-10-21 14:30:00 UTC");
    expect(markup).toContain("exchange outage");
  });
});
