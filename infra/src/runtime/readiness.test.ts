import { describe, expect, it } from "vitest";
import { ReadinessService } from "./readiness";

const now = () => Date.parse("2026-01-02T03:04:05Z");

describe("ReadinessService", () => {
  it("is ready when every dependency answers", async () => {
    const service = new ReadinessService(
      [
        { name: "database", adapter: "postgres", check: async () => {} },
        { name: "cache", adapter: "memory", check: async () => {} },
      ],
      { timeoutMs: 100, now },
    );
    const report = await service.report();
    expect(report.ready).toBe(true);
    expect(report.checkedAt).toBe("2026-01-02T03:04:05.000Z");
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ["database", true],
      ["cache", true],
    ]);
  });

  it("reports the failing dependency and its reason", async () => {
    const service = new ReadinessService(
      [
        { name: "database", adapter: "postgres", check: async () => {} },
        {
          name: "bus",
          adapter: "kafka",
          check: async () => {
            throw new Error("broker unreachable");
          },
        },
      ],
      { timeoutMs: 100, now },
    );
    const report = await service.report();
    expect(report.ready).toBe(false);
    expect(report.checks.find((c) => c.name === "bus")).toMatchObject({ ok: false, error: "broker unreachable" });
    expect(report.checks.find((c) => c.name === "database")?.ok).toBe(true);
  });

  it("turns a hung dependency into a timely failure", async () => {
    const service = new ReadinessService(
      [{ name: "cache", adapter: "redis", check: () => new Promise<void>(() => {}) }],
      { timeoutMs: 50, now },
    );
    const started = performance.now();
    const report = await service.report();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(report.checks[0]).toMatchObject({ ok: false, error: "no answer within 50 ms" });
  });
});
