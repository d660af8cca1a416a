import { describe, expect, it } from "vitest";
import { boundedRaw, maxRawLength, RejectionCounter, rawSymbol, rejectInput } from "./rejection";

describe("rejections", () => {
  it("count per source and reason, monotonically, in a stable order", () => {
    const counter = new RejectionCounter();
    counter.add({ source: "websocket", reason: "malformed" });
    counter.add({ source: "replay", reason: "duplicate" });
    counter.add({ source: "websocket", reason: "malformed" });
    counter.add({ source: "websocket", reason: "late" });
    expect(counter.count("websocket", "malformed")).toBe(2);
    expect(counter.count("replay", "late")).toBe(0);
    expect(counter.total()).toBe(4);
    expect(counter.snapshot()).toEqual([
      { source: "replay", reason: "duplicate", count: 1 },
      { source: "websocket", reason: "late", count: 1 },
      { source: "websocket", reason: "malformed", count: 2 },
    ]);
  });

  it("keep raw input whole up to the bound and its head with its length beyond", () => {
    expect(boundedRaw({ a: [1, "x"] })).toEqual({ a: [1, "x"] });
    expect(boundedRaw("short")).toBe("short");
    const long = "y".repeat(maxRawLength + 10);
    expect(boundedRaw(long)).toEqual({ truncated: true, length: maxRawLength + 10, head: long.slice(0, maxRawLength) });
    const bigObject = { text: "z".repeat(maxRawLength) };
    const bounded = boundedRaw(bigObject);
    expect(bounded).toMatchObject({ truncated: true, length: JSON.stringify(bigObject).length });
    expect(JSON.stringify(bounded).length).toBeLessThan(maxRawLength + 100);
  });

  it("pick the symbol out of a raw input only when it is a short string", () => {
    expect(rawSymbol({ symbol: "QXAB" })).toBe("QXAB");
    expect(rawSymbol({ symbol: 5 })).toBeUndefined();
    expect(rawSymbol({ symbol: "" })).toBeUndefined();
    expect(rawSymbol("QXAB")).toBeUndefined();
    expect(rawSymbol(null)).toBeUndefined();
    expect(rejectInput({ source: "s", receivedAt: 1, raw: { symbol: "QX" }, reason: "late", detail: "d" })).toEqual({
      source: "s",
      receivedAt: 1,
      symbol: "QX",
      raw: { symbol: "QX" },
      reason: "late",
      detail: "d",
    });
  });
});
