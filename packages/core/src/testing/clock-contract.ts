import { describe, expect, it } from "vitest";
import type { Clock } from "../ports/clock";

/**
 * What every Clock must do, system or manual: epoch milliseconds as finite numbers, never going
 * backwards between calls. `tick` lets time pass the way that clock passes it (waiting for the
 * system clock, advancing a manual one).
 */
export function describeClockContract(name: string, factory: () => { clock: Clock; tick: () => Promise<void> }) {
  describe(`Clock contract: ${name}`, () => {
    it("reads epoch milliseconds as a finite number", () => {
      const { clock } = factory();
      const now = clock.now();
      expect(Number.isFinite(now)).toBe(true);
      expect(new Date(now).toISOString()).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it("never goes backwards, and moves when time passes", async () => {
      const { clock, tick } = factory();
      let previous = clock.now();
      for (let i = 0; i < 1_000; i++) {
        const current = clock.now();
        expect(current).toBeGreaterThanOrEqual(previous);
        previous = current;
      }
      const before = clock.now();
      await tick();
      expect(clock.now()).toBeGreaterThan(before);
    });
  });
}
