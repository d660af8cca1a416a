import { z } from "zod";

const checkResult = z.object({
  name: z.string(),
  adapter: z.string(),
  ok: z.boolean(),
  latencyMs: z.number(),
  error: z.string().optional(),
});

export const systemStatusOutput = z.object({
  mode: z.enum(["embedded", "services"]),
  version: z.string(),
  startedAt: z.string(),
  roles: z.array(z.string()).readonly(),
  readiness: z.object({ ready: z.boolean(), checkedAt: z.string(), checks: z.array(checkResult).readonly() }),
  migrations: z.object({
    applied: z.array(z.object({ version: z.string(), name: z.string(), appliedAt: z.string() })).readonly(),
    pending: z.array(z.string()).readonly(),
  }),
});
