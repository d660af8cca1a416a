import { z } from "zod";
import { deadLetterTopicName, type TopicDefinition } from "../ports/event-bus";
import type { EventRecord } from "./event-codec";

/** Why a message left its topic for the dead-letter topic. */
export type DeadLetterReason = "handler-failed" | "invalid-payload";

/**
 * Headers a dead-lettered message carries on top of its original ones, so an operator can see
 * what failed, where the message came from and which consumer group gave up on it (each group
 * dead-letters independently).
 */
export const deadLetterHeader = {
  reason: "dead-letter.reason",
  error: "dead-letter.error",
  topic: "dead-letter.topic",
  partition: "dead-letter.partition",
  offset: "dead-letter.offset",
  groupId: "dead-letter.group-id",
  /** Handler attempts made; 0 when the payload never parsed. */
  attempts: "dead-letter.attempts",
  /** Epoch ms, by the consuming bus's clock. */
  failedAt: "dead-letter.failed-at",
} as const;

/** Errors can be long (stack-laden messages); headers travel with every copy of the message. */
const maxErrorLength = 2_000;

export interface DeadLetter {
  readonly key: string;
  /** The original value, untouched, so a fixed consumer can replay it. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

export function deadLetterFor(
  record: EventRecord,
  failure: {
    readonly reason: DeadLetterReason;
    readonly error: string;
    readonly attempts: number;
    readonly groupId: string;
    readonly failedAt: number;
  },
): DeadLetter {
  return {
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: Object.freeze({
      ...record.headers,
      [deadLetterHeader.reason]: failure.reason,
      [deadLetterHeader.error]: failure.error.slice(0, maxErrorLength),
      [deadLetterHeader.topic]: record.topic,
      [deadLetterHeader.partition]: String(record.partition),
      [deadLetterHeader.offset]: record.offset,
      [deadLetterHeader.groupId]: failure.groupId,
      [deadLetterHeader.attempts]: String(failure.attempts),
      [deadLetterHeader.failedAt]: String(failure.failedAt),
    }),
  };
}

const deadLetterPayload = z.unknown();

/**
 * The dead-letter topic of `topic`, to subscribe to it like any other. Its payload is whatever
 * JSON the original message held (it may not match the original schema: that can be why it is
 * here), with the same partitions, retry policy and retention as the original.
 */
export function deadLetterTopic(topic: TopicDefinition): TopicDefinition<typeof deadLetterPayload> {
  return Object.freeze({
    name: deadLetterTopicName(topic),
    description: `Messages of ${topic.name} that could not be handled or parsed.`,
    schema: deadLetterPayload,
    partitions: topic.partitions,
    retry: topic.retry,
    handlerTimeoutMs: topic.handlerTimeoutMs,
    retentionMs: topic.retentionMs,
  });
}
