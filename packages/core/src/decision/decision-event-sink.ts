import type { OutgoingEvent, TopicDefinition, TopicInput } from "../ports/event-bus";

/**
 * Where the decision engine hands its events. Deliberately synchronous and fire-and-forget: a
 * decision must never wait for, or fail because of, the event bus (spec: "Kafka down: decisions
 * go on, events buffer"). The buffered publisher (in-memory buffer, disk spill, ordered flush)
 * fits it; so does anything that queues without blocking.
 */
export interface DecisionEventSink {
  publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): void;
}
