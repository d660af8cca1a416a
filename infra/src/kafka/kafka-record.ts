import type { DeadLetter, EncodedEvent, EventRecord } from "@tradeops/core";
import type { IHeaders, KafkaMessage, Message } from "kafkajs";

/** A fetched Kafka message as the bus's delivery code reads it: text key, value and headers. */
export function toEventRecord(topic: string, partition: number, message: KafkaMessage): EventRecord {
  const { [eventTimeHeader]: eventTime, ...headers } = headerText(message.headers);
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString("utf8") ?? "",
    value: message.value === null ? null : message.value.toString("utf8"),
    headers,
    timestamp: Number(eventTime ?? message.timestamp),
  };
}

/**
 * The event's own time travels in this header, and the record's Kafka timestamp is the time it
 * was produced. Event time may be market time, which the simulator runs ahead of the wall clock,
 * and brokers refuse records stamped more than `log.message.timestamp.after.max.ms` (one hour by
 * default since Kafka 4) in the future.
 */
const eventTimeHeader = "tradeops-event-time";

/** What kafkajs sends for an encoded event or a dead letter. */
export function toKafkaMessage(event: EncodedEvent | DeadLetter): Message {
  return {
    key: event.key,
    value: event.value,
    headers: { ...event.headers, [eventTimeHeader]: String(event.timestamp) },
  };
}

/**
 * Kafka allows a header name to repeat; kafkajs then gives an array. The port has one value per
 * name, so the last one wins, as with the Java client's `lastHeader`.
 */
function headerText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (last !== undefined) text[name] = typeof last === "string" ? last : last.toString("utf8");
  }
  return text;
}
