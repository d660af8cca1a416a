import { describe, expect, it } from "vitest";
import { formatAge, formatDateTime } from "./format-date-time";

describe("formatDateTime", () => {
  it("writes the UTC date and time", () => {
    expect(formatDateTime(Date.UTC(2025, 9, 21, 14, 30, 5))).toBe("2025-10-21 14:30:05");
    expect(formatDateTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("2026-01-02 03:04:05");
    expect(formatDateTime(Number.NaN)).toBe("—");
  });
});

describe("formatAge", () => {
  const now = Date.UTC(2025, 9, 21, 14, 30, 0);
  it("rounds down to the largest whole unit", () => {
    expect(formatAge(now - 2_000, now)).toBe("just now");
    expect(formatAge(now - 42_900, now)).toBe("42 s ago");
    expect(formatAge(now - 5 * 60_000 - 59_000, now)).toBe("5 min ago");
    expect(formatAge(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(formatAge(now - 2 * 86_400_000 - 1, now)).toBe("2 d ago");
  });

  it("treats a time in the future (clock skew) as now", () => {
    expect(formatAge(now + 10_000, now)).toBe("just now");
  });
});
