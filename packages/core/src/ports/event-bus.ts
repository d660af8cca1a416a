import type { z } from "zod";
import type { Closeable, Pingable } from "./health";

/** How a consumer retries a handler that throws before the message is dead-lettered. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * A topic, declared once (see `events/topics.ts`) and used by producers and consumers alike.
 * Names are hierarchical: `<domain>.<entity>.v<version>`, e.g. `trading.decisions.v1`.
 */
export interface TopicDefinition<TSchema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly schema: TSchema;
  /** Messages with the same key land on the same partition and are delivered in order. */
  readonly partitions: number;
  readonly retry: RetryPolicy;
  /** A handler attempt that runs longer than this fails and is retried. */
  readonly handlerTimeoutMs: number;
  readonly retentionMs: number;
}

export type TopicPayload<T extends TopicDefinition> = z.output<T["schema"]>;
export type TopicInput<T extends TopicDefinition> = z.input<T["schema"]>;

export interface OutgoingEvent<T> {
  /** Partitioning key (a symbol, a decision id): ordering holds per key. */
  readonly key: string;
  readonly payload: T;
  readonly headers?: Readonly<Record<string, string>>;
  /** Event time in epoch ms; defaults to the bus's clock. */
  readonly timestamp?: number;
}

export interface DeliveredEvent<T> {
  readonly topic: string;
  readonly partition: number;
  /** Position within the partition, as a decimal string (Kafka offsets exceed 2^53). */
  readonly offset: string;
  readonly key: string;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed and deeply frozen: a delivered message is never mutated. */
  readonly payload: T;
  /** 1 on first delivery, incremented on each retry of a failing handler. */
  readonly attempt: number;
}

export interface SubscribeOptions<T extends TopicDefinition> {
  readonly topic: T;
  /** Consumers sharing a group id split the partitions between them; each group sees every message. */
  readonly groupId: string;
  /** A group with no committed position starts at the oldest retained message instead of the newest. */
  readonly fromBeginning?: boolean;
  readonly handler: (event: DeliveredEvent<TopicPayload<T>>) => Promise<void>;
}

export interface Subscription {
  readonly topic: string;
  readonly groupId: string;
  /** Stops fetching, waits for the handler in flight, commits its position. */
  stop(): Promise<void>;
}

/**
 * Publish/subscribe with Kafka's semantics: partitions by key, consumer groups, at-least-once
 * delivery. A message whose handler still fails after the topic's retry policy, or whose payload
 * does not parse, goes to `deadLetterTopicName(topic)` and consumption continues.
 */
export interface EventBus extends Pingable, Closeable {
  /**
   * Validates every payload against the topic's schema first: one invalid payload rejects the
   * call and nothing is sent. Resolves once the bus has accepted every message.
   */
  publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): Promise<void>;
  subscribe<T extends TopicDefinition>(options: SubscribeOptions<T>): Promise<Subscription>;
}

export function deadLetterTopicName(topic: Pick<TopicDefinition, "name">): string {
  return `${topic.name}.dead-letter`;
}

/** Thrown by `publish` when a payload does not match its topic's schema. */
export class InvalidEventError extends Error {
  constructor(
    readonly topic: string,
    readonly index: number,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(
      `invalid payload for topic ${topic} at index ${index}: ${issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ")}`,
    );
    this.name = "InvalidEventError";
  }
}
