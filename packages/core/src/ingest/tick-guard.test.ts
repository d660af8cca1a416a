import { describe, expect, it } from "vitest";
import type { GuardResult } from "./rejection";
import type { Tick } from "./tick";
import { TickGuard } from "./tick-guard";

const t0 = Date.parse("2026-01-05T14:30:00.000Z");
const receivedAt = t0 + 5;

function trade(overrides: Record<string, unknown> = {}) {
  return { type: "trade", symbol: "QXAB", price: 101.25, size: 300, time: "2026-01-05T14:30:00.123Z", ...overrides };
}

function reasonOf(result: GuardResult<Tick>): string {
  return result.ok ? "accepted" : result.rejection.reason;
}

describe("TickGuard", () => {
  it("accepts the documented trade, with ISO or epoch-ms time, and ignores extra fields", () => {
    const guard = new TickGuard({ source: "websocket" });
    expect(guard.check(trade({ seq: 1, venue: "X" }), receivedAt)).toEqual({
      ok: true,
      value: { symbol: "QXAB", price: 101.25, size: 300, time: t0 + 123, seq: 1 },
    });
    expect(guard.check(trade({ time: t0 + 200, seq: 2 }), receivedAt)).toEqual({
      ok: true,
      value: { symbol: "QXAB", price: 101.25, size: 300, time: t0 + 200, seq: 2 },
    });
    // A zone offset is honoured: 09:30:00.300-05:00 is 14:30:00.300Z.
    expect(guard.check(trade({ time: "2026-01-05T09:30:00.300-05:00" }), receivedAt)).toEqual({
      ok: true,
      value: { symbol: "QXAB", price: 101.25, size: 300, time: t0 + 300 },
    });
  });

  it.each([
    ["not an object", "hello"],
    ["an unknown type", trade({ type: "quote" })],
    ["a missing price", { ...trade(), price: undefined }],
    ["a price as text", trade({ price: "101.25" })],
    ["a lower-case symbol", trade({ symbol: "qxab" })],
    ["a zero size", trade({ size: 0 })],
    ["a zone-less time", trade({ time: "2026-01-05T14:30:00" })],
    ["an impossible date", trade({ time: "2026-02-30T14:30:00Z" })],
    ["epoch seconds", trade({ time: 1_767_623_400 })],
    ["a fractional seq", trade({ seq: 1.5 })],
  ])("rejects %s as malformed, with the input kept and a readable detail", (_, raw) => {
    const result = new TickGuard({ source: "websocket" }).check(raw, receivedAt);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection).toMatchObject({ source: "websocket", reason: "malformed", receivedAt, raw });
    expect(result.rejection.detail.length).toBeGreaterThan(0);
  });

  it("names the symbol of a rejected input only when it is plausible", () => {
    const guard = new TickGuard({ source: "websocket" });
    const named = guard.check(trade({ price: -1 }), receivedAt);
    expect(named.ok ? undefined : named.rejection.symbol).toBe("QXAB");
    const unnamed = guard.check({ symbol: "X".repeat(100) }, receivedAt);
    expect(unnamed.ok ? "accepted" : unnamed.rejection.symbol).toBeUndefined();
  });

  it("rejects zero and negative prices as non_positive_price", () => {
    const guard = new TickGuard({ source: "websocket" });
    expect(reasonOf(guard.check(trade({ price: 0 }), receivedAt))).toBe("non_positive_price");
    expect(reasonOf(guard.check(trade({ price: -3 }), receivedAt))).toBe("non_positive_price");
  });

  it("tells duplicates (a seq seen) from out-of-order ticks (older time or seq, never seen)", () => {
    const guard = new TickGuard({ source: "websocket" });
    const results = [
      guard.check(trade({ seq: 10, time: t0 + 100 }), receivedAt),
      guard.check(trade({ seq: 11, time: t0 + 100 }), receivedAt), // same ms, another trade: fine
      guard.check(trade({ seq: 10, time: t0 + 100 }), receivedAt), // resent
      guard.check(trade({ seq: 12, time: t0 + 50 }), receivedAt), // time goes back
      guard.check(trade({ seq: 9, time: t0 + 150 }), receivedAt), // seq goes back, never seen
      guard.check(trade({ seq: 13, time: t0 + 150 }), receivedAt),
      guard.check(trade({ seq: 11, time: t0 + 100 }), receivedAt), // resent, and older: a duplicate first
      guard.check(trade({ symbol: "ZQTM", seq: 10, time: t0 }), receivedAt), // seqs are per symbol
    ];
    expect(results.map(reasonOf)).toEqual([
      "accepted",
      "accepted",
      "duplicate",
      "out_of_order",
      "out_of_order",
      "accepted",
      "duplicate",
      "accepted",
    ]);
  });

  it("without a seq, treats a repeat of time, price and size as a duplicate and anything else as a new trade", () => {
    const guard = new TickGuard({ source: "websocket" });
    const results = [
      guard.check(trade({ time: t0 }), receivedAt),
      guard.check(trade({ time: t0 }), receivedAt),
      guard.check(trade({ time: t0, size: 301 }), receivedAt),
      guard.check(trade({ time: t0 + 1 }), receivedAt),
      guard.check(trade({ time: t0 }), receivedAt),
    ];
    expect(results.map(reasonOf)).toEqual(["accepted", "duplicate", "accepted", "accepted", "out_of_order"]);
  });

  it("forgets sequence numbers beyond its window: an old resend then counts as out of order", () => {
    const guard = new TickGuard({ source: "websocket", recentSequences: 2 });
    for (const seq of [1, 2, 3]) guard.check(trade({ seq, time: t0 + seq }), receivedAt);
    expect(reasonOf(guard.check(trade({ seq: 2, time: t0 + 2 }), receivedAt))).toBe("duplicate");
    expect(reasonOf(guard.check(trade({ seq: 1, time: t0 + 1 }), receivedAt))).toBe("out_of_order");
  });

  it("rejects a tick before `notBefore` as late and does not let it move the symbol's state", () => {
    const guard = new TickGuard({ source: "websocket" });
    const closedBefore = t0 + 60_000;
    expect(reasonOf(guard.check(trade({ time: t0 + 59_999, seq: 5 }), receivedAt, closedBefore))).toBe("late");
    // Seq 5 was not accepted, so it is no duplicate now.
    expect(reasonOf(guard.check(trade({ time: t0 + 60_000, seq: 5 }), receivedAt, closedBefore))).toBe("accepted");
  });
});
