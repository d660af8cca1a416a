import { describe, expect, it } from "vitest";
import { BarGuard } from "./bar-guard";

const t0 = Date.parse("2026-01-05T14:30:00Z");
const receivedAt = 1_000;

/** A CSV record: every field text, as the file reader hands it over. */
function csvRow(overrides: Record<string, string> = {}) {
  return {
    symbol: "QXAB",
    time: "2026-01-05T14:30:00Z",
    open: "100.5",
    high: "101",
    low: "100",
    close: "100.75",
    volume: "1200",
    ...overrides,
  };
}

function reasons(guard: BarGuard, rows: unknown[]): string[] {
  return rows.map((row) => {
    const result = guard.check(row, receivedAt);
    return result.ok ? "accepted" : result.rejection.reason;
  });
}

describe("BarGuard", () => {
  it("turns a CSV record or a JSON object into a 1min bar; time as ISO, epoch ms or epoch-ms digits", () => {
    const guard = new BarGuard({ source: "replay" });
    const expected = { symbol: "QXAB", timeframe: "1min", time: t0, open: 100.5, high: 101, low: 100, close: 100.75 };
    expect(guard.check(csvRow(), receivedAt)).toEqual({ ok: true, value: { ...expected, volume: 1200 } });
    expect(guard.check(csvRow({ time: String(t0 + 60_000), volume: "0" }), receivedAt)).toEqual({
      ok: true,
      value: { ...expected, time: t0 + 60_000, volume: 0 },
    });
    expect(
      guard.check(
        { symbol: "QXAB", time: t0 + 120_000, open: 100.5, high: 101, low: 100, close: 100.75, volume: 5, extra: "x" },
        receivedAt,
      ),
    ).toEqual({ ok: true, value: { ...expected, time: t0 + 120_000, volume: 5 } });
    expect(guard.check(csvRow({ time: "2026-01-05T09:33:00-05:00", volume: "1e3" }), receivedAt)).toEqual({
      ok: true,
      value: { ...expected, time: t0 + 180_000, volume: 1000 },
    });
  });

  it.each([
    ["a price that is not a number", csvRow({ close: "abc" })],
    ["an empty field", csvRow({ volume: "" })],
    ["NaN", csvRow({ high: "NaN" })],
    ["Infinity", csvRow({ high: "Infinity" })],
    ["a negative volume", csvRow({ volume: "-5" })],
    ["a missing field", { symbol: "QXAB", time: t0, open: 1, high: 1, low: 1, close: 1 }],
    ["a bad symbol", csvRow({ symbol: "qx ab" })],
    ["a zone-less time", csvRow({ time: "2026-01-05 14:30:00" })],
    ["a time off the minute", csvRow({ time: "2026-01-05T14:30:30Z" })],
    ["another timeframe", { ...csvRow(), timeframe: "5min" }],
    ["a JSON array", [1, 2, 3]],
  ])("rejects %s as malformed", (_, raw) => {
    const result = new BarGuard({ source: "replay" }).check(raw, receivedAt);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.rejection).toMatchObject({ reason: "malformed", source: "replay", raw });
  });

  it("rejects non-positive prices and inconsistent highs and lows", () => {
    const guard = new BarGuard({ source: "replay" });
    expect(
      reasons(guard, [
        csvRow({ low: "0" }),
        csvRow({ open: "-1" }),
        csvRow({ high: "100.6" }), // below the close 100.75
        csvRow({ low: "100.6" }), // above the open 100.5
        csvRow(),
      ]),
    ).toEqual(["non_positive_price", "non_positive_price", "inconsistent_bar", "inconsistent_bar", "accepted"]);
  });

  it("rejects a repeated bar as duplicate and an older one as out of order, per symbol", () => {
    const guard = new BarGuard({ source: "replay" });
    const at = (minute: number, symbol = "QXAB") => csvRow({ symbol, time: String(t0 + minute * 60_000) });
    expect(reasons(guard, [at(0), at(1), at(1), at(0), at(3), at(2), at(0, "ZQTM"), at(3)])).toEqual([
      "accepted",
      "accepted",
      "duplicate",
      "duplicate",
      "accepted",
      "out_of_order",
      "accepted",
      "duplicate",
    ]);
  });

  it("keeps the rejected row as received, with its symbol", () => {
    const raw = csvRow({ close: "oops" });
    const result = new BarGuard({ source: "replay" }).check(raw, receivedAt);
    expect(result).toMatchObject({ ok: false, rejection: { symbol: "QXAB", raw, receivedAt } });
    if (!result.ok) expect(result.rejection.detail).toMatch(/close/);
  });
});
