import type { z } from "zod";
import type { JobDefinition } from "../ports/job-queue";

const jobName = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export function defineJob<TSchema extends z.ZodType>(definition: {
  name: string;
  description: string;
  schema: TSchema;
  attempts?: number;
  backoff?: JobDefinition["backoff"];
  timeoutMs: number;
}): JobDefinition<TSchema> {
  if (!jobName.test(definition.name)) {
    throw new Error(`job name ${definition.name} is not of the form <domain>.<action>`);
  }
  const attempts = definition.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new Error(`job ${definition.name}: attempts must be a positive integer`);
  }
  return Object.freeze({
    name: definition.name,
    description: definition.description,
    schema: definition.schema,
    attempts,
    backoff: Object.freeze(definition.backoff ?? { kind: "exponential", delayMs: 1_000 }),
    timeoutMs: definition.timeoutMs,
  });
}
