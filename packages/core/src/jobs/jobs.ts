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

export const jobs = [partitionMaintenanceJob] as const;
