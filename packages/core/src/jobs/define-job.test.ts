import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "./define-job";
import { jobs, partitionMaintenanceJob } from "./jobs";

describe("defineJob", () => {
  it("fills the defaults and freezes the definition", () => {
    const job = defineJob({ name: "models.online-update", description: "", schema: z.object({}), timeoutMs: 1_000 });
    expect(job).toMatchObject({ attempts: 3, backoff: { kind: "exponential", delayMs: 1_000 }, timeoutMs: 1_000 });
    expect(Object.isFrozen(job)).toBe(true);
  });

  it("refuses a name without a domain and a bad attempt count", () => {
    expect(() => defineJob({ name: "update", description: "", schema: z.object({}), timeoutMs: 1 })).toThrow(
      /<domain>.<action>/,
    );
    expect(() => defineJob({ name: "a.b", description: "", schema: z.object({}), timeoutMs: 1, attempts: 0 })).toThrow(
      /attempts/,
    );
  });

  it("declares every job once, with payload defaults applied by its schema", () => {
    const names = jobs.map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
    expect(partitionMaintenanceJob.schema.parse({})).toEqual({ daysAhead: 7 });
    expect(partitionMaintenanceJob.schema.safeParse({ daysAhead: 0 }).success).toBe(false);
  });
});
