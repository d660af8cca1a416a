import { z } from "zod";
import { defineJob } from "./define-job";

/** Every background job the platform runs, declared once. */

export const partitionMaintenanceJob = defineJob({
  name: "db.partition-maintenance",
  description: "Creates the time partitions the next days need and reports what exists.",
  schema: z.object({ daysAhead: z.number().int().min(1).max(366).default(7) }),
  attempts: 5,
  backoff: { kind: "exponential", delayMs: 5_000 },
  timeoutMs: 60_000,
});

export const bootstrapModelsJob = defineJob({
  name: "models.bootstrap",
  description:
    "First-start training: simulated history, regime detector fit, the three specialists, SHAP background; published as production.",
  schema: z.object({
    seed: z.number().int(),
    bars: z.number().int().min(200),
    symbols: z.number().int().min(1),
  }),
  attempts: 2,
  backoff: { kind: "fixed", delayMs: 5_000 },
  timeoutMs: 10 * 60_000,
});
export const jobs = [partitionMaintenanceJob, bootstrapModelsJob] as const;
