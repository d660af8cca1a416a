import { describe, expect, it } from "vitest";
import { reconnectBackoffSchema, reconnectDelay } from "./reconnect-backoff";

const backoff = { initialMs: 100, maxMs: 1_000, jitter: 0.5 };

describe("reconnectDelay", () => {
  it("doubles from initialMs up to maxMs, without jitter when random() is 0", () => {
    expect([0, 1, 2, 3, 4, 5, 60, 5_000].map((failures) => reconnectDelay(failures, backoff, () => 0))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000,
    ]);
  });

  it("takes off at most `jitter` of the delay", () => {
    // random() just below 1 takes off almost half: 400 * (1 - 0.5 * 0.999) = 200.2.
    expect(reconnectDelay(2, backoff, () => 0.999)).toBeCloseTo(200.2, 10);
    expect(reconnectDelay(2, backoff, () => 0.5)).toBe(300);
    expect(reconnectDelay(10, { ...backoff, jitter: 1 }, () => 0.25)).toBe(750);
  });

  it("stays within [d(1 - jitter), d] and never above maxMs over many random draws", () => {
    for (let failures = 0; failures < 40; failures++) {
      const ceiling = Math.min(1_000, 100 * 2 ** failures);
      for (let i = 0; i < 50; i++) {
        const delay = reconnectDelay(failures, backoff, Math.random);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("refuses a cap below the first delay and a jitter outside [0, 1]", () => {
    expect(reconnectBackoffSchema.safeParse({ initialMs: 100, maxMs: 50, jitter: 0 }).success).toBe(false);
    expect(reconnectBackoffSchema.safeParse({ initialMs: 100, maxMs: 500, jitter: 1.5 }).success).toBe(false);
    expect(reconnectBackoffSchema.safeParse(backoff).success).toBe(true);
  });
});
