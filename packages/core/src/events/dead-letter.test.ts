import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deadLetterTopicName } from "../ports/event-bus";
import { deadLetterFor, deadLetterHeader, deadLetterTopic } from "./dead-letter";
import { defineTopic } from "./define-topic";

const topic = defineTopic({ name: "letters.test.v1", description: "", schema: z.object({}), partitions: 5 });

describe("deadLetterFor", () => {
  it("keeps key, value, timestamp and headers, and adds where and why it failed", () => {
    const letter = deadLetterFor(
      { topic: topic.name, partition: 3, offset: "17", key: "k", value: "{}", headers: { trace: "t" }, timestamp: 9 },
      { reason: "handler-failed", error: "x".repeat(5_000), attempts: 4, groupId: "g", failedAt: 1234 },
    );
    expect(letter).toMatchObject({ key: "k", value: "{}", timestamp: 9 });
    expect(letter.headers).toEqual({
      trace: "t",
      [deadLetterHeader.reason]: "handler-failed",
      [deadLetterHeader.error]: "x".repeat(2_000),
      [deadLetterHeader.topic]: topic.name,
      [deadLetterHeader.partition]: "3",
      [deadLetterHeader.offset]: "17",
      [deadLetterHeader.groupId]: "g",
      [deadLetterHeader.attempts]: "4",
      [deadLetterHeader.failedAt]: "1234",
    });
  });
});

describe("deadLetterTopic", () => {
  it("mirrors the source's partitions, policy and retention under the dead-letter name", () => {
    const dead = deadLetterTopic(topic);
    expect(dead).toMatchObject({
      name: deadLetterTopicName(topic),
      partitions: 5,
      retry: topic.retry,
      handlerTimeoutMs: topic.handlerTimeoutMs,
      retentionMs: topic.retentionMs,
    });
    expect(dead.schema.safeParse({ anything: [1] }).success).toBe(true);
  });
});
