import { describe, expect, it } from "vitest";
import { clampPercent, formatClock, formatFixed, formatPercent, formatQuantity, formatSigned } from "./format";

describe("formatClock", () => {
  it("prints epoch milliseconds as HH:MM:SS in UTC, dropping the milliseconds", () => {
    expect(formatClock(Date.UTC(2025, 9, 21, 14, 30, 5, 999))).toBe("14:30:05");
    expect(formatClock(Date.UTC(2025, 0, 1, 0, 0, 0))).toBe("00:00:00");
    // 1.7e12 ms is 2023-11-14T22:13:20Z.
    expect(formatClock(1_700_000_000_000)).toBe("22:13:20");
  });

  it("prints a dash for a time that is not a number", () => {
    expect(formatClock(Number.NaN)).toBe("—");
  });
});

describe("number formats", () => {
  it("formats fractions as percentages", () => {
    expect(formatPercent(0.6543)).toBe("65.4%");
    expect(formatPercent(1)).toBe("100.0%");
    expect(formatPercent(0.125, 0)).toBe("13%");
    expect(formatPercent(Number.NaN)).toBe("—");
  });

  it("never prints a negative zero", () => {
    expect(formatFixed(-0.00001, 2)).toBe("0.00");
    expect(formatFixed(-0.004, 2)).toBe("0.00");
    expect(formatFixed(-0.006, 2)).toBe("-0.01");
    expect(formatSigned(-0.00001, 4)).toBe("0.0000");
    expect(formatSigned(0.00001, 4)).toBe("0.0000");
  });

  it("signs contributions", () => {
    expect(formatSigned(0.15, 4)).toBe("+0.1500");
    expect(formatSigned(-0.05, 4)).toBe("-0.0500");
    expect(formatSigned(0, 2)).toBe("0.00");
  });

  it("groups quantities and keeps at most four decimals", () => {
    expect(formatQuantity(1234.5)).toBe("1,234.5");
    expect(formatQuantity(100)).toBe("100");
    expect(formatQuantity(0.123456)).toBe("0.1235");
  });

  it("clamps bar widths to [0, 100]", () => {
    expect(clampPercent(42)).toBe(42);
    expect(clampPercent(-5)).toBe(0);
    expect(clampPercent(130)).toBe(100);
    expect(clampPercent(Number.POSITIVE_INFINITY)).toBe(100);
    expect(clampPercent(Number.NaN)).toBe(0);
  });
});
