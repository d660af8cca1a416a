import type { Message, TopicMessages } from "kafkajs";

/** Sends one produce request carrying messages for one or more topics. */
export type SendBatch = (topicMessages: TopicMessages[]) => Promise<void>;

/**
 * Merges publishes that arrive while a produce request is in flight into the next request, so
 * many small concurrent publishes (one decision per request handler) cost one broker round trip
 * instead of one each. The producer allows a single request in flight, which is what keeps
 * partitions in publish order; this queue keeps that order too: calls are sent in arrival order,
 * and each resolves or rejects with the request that carried it.
 *
 * A merged request stops growing at `maxBatchChars` of key and value text (one publish call is
 * never split), staying under the broker's default 1 MiB record-batch limit.
 */
export class ProduceQueue {
  readonly #send: SendBatch;
  readonly #maxBatchChars: number;
  #queue: Pending[] = [];
  #draining = false;

  constructor(send: SendBatch, options: { readonly maxBatchChars?: number } = {}) {
    this.#send = send;
    this.#maxBatchChars = options.maxBatchChars ?? 512 * 1024;
  }

  send(topic: string, messages: Message[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ topic, messages, chars: textLength(messages), resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        try {
          await this.#send(merge(batch));
          for (const pending of batch) pending.resolve();
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #take(): Pending[] {
    let chars = 0;
    let count = 0;
    for (const pending of this.#queue) {
      if (count > 0 && chars + pending.chars > this.#maxBatchChars) break;
      chars += pending.chars;
      count += 1;
    }
    const batch = this.#queue.slice(0, count);
    this.#queue = this.#queue.slice(count);
    return batch;
  }
}

interface Pending {
  readonly topic: string;
  readonly messages: Message[];
  readonly chars: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function textLength(messages: readonly Message[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += lengthOf(message.key) + lengthOf(message.value);
  }
  return chars;
}

function lengthOf(value: Message["key"] | Message["value"]): number {
  return value === null || value === undefined ? 0 : value.length;
}

/** One entry per topic, messages in arrival order. */
function merge(batch: readonly Pending[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const pending of batch) {
    const messages = byTopic.get(pending.topic);
    if (messages) messages.push(...pending.messages);
    else byTopic.set(pending.topic, [...pending.messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
