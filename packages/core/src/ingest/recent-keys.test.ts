import { describe, expect, it } from "vitest";
import { RecentKeys } from "./recent-keys";

describe("RecentKeys", () => {
  it("remembers the last `capacity` distinct keys and forgets the oldest", () => {
    const keys = new RecentKeys<number>(3);
    for (const key of [1, 2, 3, 2, 4]) keys.add(key);
    expect([1, 2, 3, 4].map((key) => keys.has(key))).toEqual([false, true, true, true]);
    expect(keys.size).toBe(3);
    keys.clear();
    expect(keys.has(4)).toBe(false);
  });

  it("refuses a capacity below one", () => {
    expect(() => new RecentKeys(0)).toThrow(RangeError);
  });
});
