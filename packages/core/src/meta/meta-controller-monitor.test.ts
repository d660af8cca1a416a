import { describe, expect, it } from "vitest";
import { MetaControllerMonitor } from "./meta-controller-monitor";
import { recordingLogger } from "./meta-test-support";
import { validateWeights } from "./weight-validation";

const valid = validateWeights({ bull_specialist: 0.2, bear_specialist: 0.3, sideways_specialist: 0.5 });
const offSum = validateWeights({ bull_specialist: 0.5, bear_specialist: 0.5, sideways_specialist: 0.5 });
const nan = validateWeights({ bull_specialist: Number.NaN, bear_specialist: 0.5, sideways_specialist: 0.5 });
const dominant = validateWeights({ bull_specialist: 0.995, bear_specialist: 0.003, sideways_specialist: 0.002 });
const negative = validateWeights({ bull_specialist: 0.8, bear_specialist: -0.1, sideways_specialist: 0.3 });

describe("MetaControllerMonitor", () => {
  it("counts anomalies per kind and logs each anomalous output with its context", () => {
    const logger = recordingLogger();
    const monitor = new MetaControllerMonitor({ logger });
    for (const validation of [valid, offSum, nan, dominant, negative, offSum]) {
      monitor.record(validation, { symbol: "TEST" });
    }
    expect(monitor.health()).toEqual({
      outputs: 6,
      corrected: 4,
      anomalies: { sum_not_one: 2, negative: 1, dominant: 1, non_finite: 1, all_zero: 0 },
      correctedInWindow: 4,
      window: 100,
      shouldRollBack: false,
    });
    const warnings = logger.lines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(5);
    expect(warnings[0]?.fields).toMatchObject({ symbol: "TEST", anomalies: ["sum_not_one"], fallback: false });
  });

  it("asks for a rollback once more than 10% of the last 100 outputs needed correction", () => {
    const logger = recordingLogger();
    const monitor = new MetaControllerMonitor({ logger });
    for (let i = 0; i < 89; i++) monitor.record(valid);
    for (let i = 0; i < 10; i++) monitor.record(offSum);
    monitor.record(dominant);
    expect(monitor.health().correctedInWindow).toBe(10);
    expect(monitor.shouldRollBack).toBe(false);
    monitor.record(nan);
    expect(monitor.health().correctedInWindow).toBe(11);
    expect(monitor.shouldRollBack).toBe(true);
    monitor.record(nan);
    const alerts = logger.lines.filter((line) => line.level === "error");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toMatch(/Meta-controller output validation failed/);
  });

  it("judges only the last 100: old corrections slide out of the window", () => {
    const monitor = new MetaControllerMonitor({ logger: recordingLogger() });
    for (let i = 0; i < 11; i++) monitor.record(offSum);
    expect(monitor.shouldRollBack).toBe(true);
    for (let i = 0; i < 90; i++) monitor.record(valid);
    // The window now holds the last 10 corrections and 90 valid outputs.
    expect(monitor.health().correctedInWindow).toBe(10);
    expect(monitor.shouldRollBack).toBe(false);
    expect(monitor.health().corrected).toBe(11);
  });

  it("does not count dominant-only outputs as corrected", () => {
    const monitor = new MetaControllerMonitor({ logger: recordingLogger() });
    for (let i = 0; i < 100; i++) monitor.record(dominant);
    expect(monitor.shouldRollBack).toBe(false);
    expect(monitor.health().anomalies.dominant).toBe(100);
  });

  it("forgets everything on reset", () => {
    const monitor = new MetaControllerMonitor({ logger: recordingLogger(), window: 10, maxCorrectedShare: 0.2 });
    for (let i = 0; i < 3; i++) monitor.record(nan);
    expect(monitor.shouldRollBack).toBe(true);
    monitor.reset();
    expect(monitor.health()).toMatchObject({ outputs: 0, corrected: 0, correctedInWindow: 0, shouldRollBack: false });
  });

  it("refuses a nonsensical configuration", () => {
    expect(() => new MetaControllerMonitor({ logger: recordingLogger(), window: 0 })).toThrow(RangeError);
    expect(() => new MetaControllerMonitor({ logger: recordingLogger(), maxCorrectedShare: 1 })).toThrow(RangeError);
  });
});
