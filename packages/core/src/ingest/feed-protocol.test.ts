import { describe, expect, it } from "vitest";
import { parseFeedMessage, subscribeMessage } from "./feed-protocol";

describe("the feed protocol", () => {
  it("builds the subscribe message and refuses an empty or invalid symbol list", () => {
    expect(subscribeMessage(["QXAB", "ZQTM"])).toEqual({ type: "subscribe", symbols: ["QXAB", "ZQTM"] });
    expect(() => subscribeMessage([])).toThrow();
    expect(() => subscribeMessage(["bad symbol"])).toThrow();
  });

  it("classifies frames: trades, batches, control messages and text that is not JSON", () => {
    const trade = { type: "trade", symbol: "QXAB", price: 1, size: 1, time: 0 };
    expect(parseFeedMessage(JSON.stringify(trade))).toEqual({ kind: "ticks", items: [trade] });
    expect(parseFeedMessage(JSON.stringify([trade, 5]))).toEqual({ kind: "ticks", items: [trade, 5] });
    expect(parseFeedMessage('{"type":"heartbeat","time":123}')).toEqual({ kind: "heartbeat" });
    expect(parseFeedMessage('{"type":"subscribed","symbols":["QXAB"]}')).toEqual({
      kind: "subscribed",
      symbols: ["QXAB"],
    });
    expect(parseFeedMessage('{"type":"error","message":"bad symbol"}')).toEqual({
      kind: "error",
      message: "bad symbol",
    });
    // Unknown types and bare values are candidate trades: the guard rejects and counts them.
    expect(parseFeedMessage('{"type":"quote"}')).toEqual({ kind: "ticks", items: [{ type: "quote" }] });
    expect(parseFeedMessage("42")).toEqual({ kind: "ticks", items: [42] });
    const garbage = parseFeedMessage("{not json");
    expect(garbage).toMatchObject({ kind: "unparseable", text: "{not json" });
  });
});
