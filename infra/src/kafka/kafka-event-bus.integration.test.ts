import {
  deadLetterTopicName,
  defineTopic,
  type EventBus,
  type Subscription,
  type TopicDefinition,
} from "@tradeops/core";
import { describeEventBusContract } from "@tradeops/core/testing";
import { Kafka, logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { servicesEnv } from "../testing/services-env";
import { KafkaEventBus } from "./kafka-event-bus";

/**
 * Wraps the bus to remember the topics and groups a test touched, so cleanup removes exactly
 * those from the shared broker and nothing another run is using.
 */
function recording(bus: EventBus, topics: Set<string>, groups: Set<string>): EventBus {
  const touch = (topic: TopicDefinition) => {
    topics.add(topic.name);
    topics.add(deadLetterTopicName(topic));
  };
  return {
    publish(topic, events) {
      touch(topic);
      return bus.publish(topic, events);
    },
    subscribe(options): Promise<Subscription> {
      touch(options.topic);
      groups.add(options.groupId);
      return bus.subscribe(options);
    },
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
}

/** Removes what a test created, and only that: other runs may share the broker. */
async function deleteTopics(brokers: string[], topics: string[], groups: string[]): Promise<void> {
  const admin = new Kafka({
    brokers,
    clientId: "event-bus-contract-cleanup",
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((topic) => existing.has(topic));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
    // A group's offsets would otherwise linger for the broker's offsets retention (7 days).
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  } finally {
    await admin.disconnect();
  }
}

describeEventBusContract(
  "Kafka",
  async () => {
    const { KAFKA_BROKERS } = servicesEnv();
    const bus = new KafkaEventBus({ brokers: KAFKA_BROKERS, clientId: "event-bus-contract" });
    const topics = new Set<string>();
    const groups = new Set<string>();
    return {
      bus: recording(bus, topics, groups),
      cleanup: async () => {
        await bus.close();
        await deleteTopics(KAFKA_BROKERS, [...topics], [...groups]);
      },
    };
  },
  { deliveryTimeoutMs: 45_000, testTimeoutMs: 180_000 },
);

describe("KafkaEventBus against the real broker", () => {
  it("routes kafkajs's own logging into the given logger", async () => {
    const lines: string[] = [];
    const capture = (fields: Record<string, unknown> | string, message?: string) => {
      lines.push(typeof fields === "string" ? fields : `${String(fields.namespace)}: ${message ?? ""}`);
    };
    const logger = { debug: capture, info: capture, warn: capture, error: capture, child: () => logger };
    const bus = new KafkaEventBus({ brokers: servicesEnv().KAFKA_BROKERS, clientId: "event-bus-logging", logger });
    const topic = defineTopic({
      name: `contract.logging-${Math.random().toString(36).slice(2, 10)}.v1`,
      description: "kafkajs logging test",
      schema: z.object({}),
      partitions: 1,
    });
    const groupId = `logging-${topic.name}`;
    try {
      await bus.subscribe({ topic, groupId, fromBeginning: true, handler: async () => {} });
    } finally {
      await bus.close();
      await deleteTopics(servicesEnv().KAFKA_BROKERS, [topic.name, deadLetterTopicName(topic)], [groupId]);
    }
    expect(lines).toContain("ConsumerGroup: Consumer has joined the group");
    expect(lines).toContain("Consumer: Stopped");
  });
});
