import type { z } from "zod";
import type { RetryPolicy, TopicDefinition } from "../ports/event-bus";

const topicName = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*\.v[1-9][0-9]*$/;

const defaultRetry: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 };

const day = 24 * 60 * 60 * 1000;

export function defineTopic<TSchema extends z.ZodType>(definition: {
  name: string;
  description: string;
  schema: TSchema;
  partitions?: number;
  retry?: Partial<RetryPolicy>;
  handlerTimeoutMs?: number;
  retentionMs?: number;
}): TopicDefinition<TSchema> {
  if (!topicName.test(definition.name)) {
    throw new Error(`topic name ${definition.name} is not of the form <domain>.<entity>.v<version>`);
  }
  const partitions = definition.partitions ?? 12;
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new Error(`topic ${definition.name}: partitions must be a positive integer`);
  }
  const retry = { ...defaultRetry, ...definition.retry };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) {
    throw new Error(`topic ${definition.name}: retry.maxAttempts must be a positive integer`);
  }
  return Object.freeze({
    name: definition.name,
    description: definition.description,
    schema: definition.schema,
    partitions,
    retry: Object.freeze(retry),
    handlerTimeoutMs: definition.handlerTimeoutMs ?? 30_000,
    retentionMs: definition.retentionMs ?? 7 * day,
  });
}
