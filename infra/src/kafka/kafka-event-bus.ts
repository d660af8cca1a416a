import {
  type Clock,
  type DeadLetterReason,
  deadLetterFor,
  deadLetterTopicName,
  deliver,
  type EventBus,
  type EventRecord,
  encodeEvents,
  type Logger,
  type OutgoingEvent,
  type SubscribeOptions,
  type Subscription,
  silentLogger,
  systemClock,
  type TopicDefinition,
  type TopicInput,
} from "@tradeops/core";
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from "kafkajs";
import { kafkaLogCreator } from "./kafka-log-creator";
import { toEventRecord, toKafkaMessage } from "./kafka-record";
import { ProduceQueue } from "./produce-queue";

export interface KafkaEventBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger?: Logger;
  /** Stamps events published without a timestamp and dead letters' failure time. */
  readonly clock?: Clock;
  /** How long `subscribe` waits for the consumer to join its group. Default 60 s. */
  readonly groupJoinTimeoutMs?: number;
  /** How long `ping` waits for the metadata round trip. Default 5 s. */
  readonly pingTimeoutMs?: number;
}

/**
 * Bounded retries everywhere: with an unreachable broker every call fails after about 10-20 s
 * (300 ms doubling to 5 s, five retries, plus a 3 s connect timeout each) instead of hanging, so
 * the caller (a buffering publisher, a readiness probe, a test) can act on it.
 */
const retry = { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 } as const;

/**
 * The EventBus on Kafka (kafkajs), with the same semantics as `InProcessEventBus`, both held to
 * `describeEventBusContract`.
 *
 * - Topics (and their dead-letter topics) are created on first use with the definition's
 *   partition count and `retention.ms`, and the broker's default replication factor.
 * - The producer is idempotent with `acks=-1` (all in-sync replicas). The spec suggests `acks=1`
 *   for latency, but with acks=1 a leader failover loses acknowledged messages, and this bus
 *   carries every trading decision to forensics and audit; kafkajs also requires acks=-1 for
 *   idempotence, which keeps broker-side retries from duplicating or reordering a partition.
 *   Its retries are bounded (kafkajs warns once that this weakens exactly-once: a publish that
 *   finally fails may have been written, so a caller that re-publishes can duplicate, which
 *   at-least-once consumers tolerate). Publishes made while a request is in flight share the
 *   next one (`ProduceQueue`), in order.
 * - Keys go through `Partitioners.DefaultPartitioner`, Kafka's murmur2, the same choice as
 *   `partitionForKey` in the embedded bus.
 * - Each subscription is a consumer in its group. Messages are handled one at a time under the
 *   topic's retry policy and timeout (`deliver`), and an offset is marked for commit only once
 *   its handler succeeded or the message was dead-lettered; commits go out at least every
 *   second, at the end of each fetched batch, before a rebalance and on stop. A crash can
 *   therefore redeliver up to a second's worth of handled messages: at-least-once.
 * - A new group without `fromBeginning` gets its starting offsets (the current ends) committed
 *   before its consumer joins. Kafka's own `latest` reset happens at the first fetch instead, so
 *   messages published between `subscribe` resolving and that fetch would be skipped, and a
 *   partition whose first owner never committed would be reset again at each rebalance.
 * - `subscribe` resolves once the consumer has joined its group (so the members subscribed
 *   before it have rebalanced to include it).
 */
export class KafkaEventBus implements EventBus {
  readonly #kafka: Kafka;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #groupJoinTimeoutMs: number;
  readonly #pingTimeoutMs: number;
  readonly #topics = new Map<string, Promise<void>>();
  readonly #groupTurns = new Map<string, Promise<unknown>>();
  readonly #subscriptions = new Set<KafkaSubscription>();
  #admin: Promise<Admin> | undefined;
  #producer: Promise<Producer> | undefined;
  readonly #produceQueue = new ProduceQueue(async (topicMessages) => {
    const producer = await this.#connectedProducer();
    await producer.sendBatch({ topicMessages, acks: -1 });
  });
  #closed: Promise<void> | undefined;

  constructor(options: KafkaEventBusOptions) {
    if (options.brokers.length === 0) throw new Error("KafkaEventBus needs at least one broker");
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#groupJoinTimeoutMs = options.groupJoinTimeoutMs ?? 60_000;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    const config: KafkaConfig = {
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      retry,
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(this.#logger.child({ component: "kafkajs" })),
    };
    this.#kafka = new Kafka(config);
  }

  async publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): Promise<void> {
    this.#assertOpen();
    const encoded = encodeEvents(topic, events, () => this.#clock.now());
    if (encoded.length === 0) return;
    await this.#ensureTopic(topic);
    await this.#send(topic.name, encoded.map(toKafkaMessage));
  }

  async subscribe<T extends TopicDefinition>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.#assertOpen();
    if (options.groupId.length === 0) throw new Error("subscribe: groupId must not be empty");
    await this.#ensureTopic(options.topic);
    // One subscribe at a time per group in this process: a second member must see the offsets the
    // first one pinned, and joins one after the other settle in fewer rebalances.
    const turnKey = `${options.topic.name}\u0000${options.groupId}`;
    const previous = this.#groupTurns.get(turnKey) ?? Promise.resolve();
    const turn = previous.catch(() => {}).then(() => this.#startSubscription(options));
    this.#groupTurns.set(turnKey, turn);
    return turn;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    const admin = await this.#connectedAdmin();
    await withTimeout(admin.describeCluster(), this.#pingTimeoutMs, "Kafka metadata request");
  }

  /** Stops every subscription (each finishes its handler in flight and commits), then disconnects. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#subscriptions].map((subscription) => subscription.stop()));
      const clients = await Promise.allSettled([this.#producer, this.#admin].filter((client) => client !== undefined));
      await Promise.allSettled(
        clients.map((client) => (client.status === "fulfilled" ? client.value.disconnect() : undefined)),
      );
    })();
    return this.#closed;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("the Kafka event bus is closed");
  }

  async #startSubscription<T extends TopicDefinition>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.#assertOpen();
    if (!options.fromBeginning) {
      await this.#pinNewGroupToEnd(options.topic.name, options.groupId);
      // Pinning takes seconds (the admin joins the group briefly): the bus may have closed meanwhile.
      this.#assertOpen();
    }
    const logger = this.#logger.child({ topic: options.topic.name, groupId: options.groupId });
    for (let attempt = 1; ; attempt++) {
      const subscription = new KafkaSubscription(this.#kafka, options, {
        logger,
        joinTimeoutMs: this.#groupJoinTimeoutMs,
        deadLetter: async (record, failure) => {
          const letter = deadLetterFor(record, { ...failure, groupId: options.groupId, failedAt: this.#clock.now() });
          await this.#send(deadLetterTopicName(options.topic), [toKafkaMessage(letter)]);
        },
        onStopped: () => this.#subscriptions.delete(subscription),
      });
      this.#subscriptions.add(subscription);
      try {
        await subscription.start();
        return subscription;
      } catch (error) {
        // kafkajs can crash a consumer that joins while another process is still creating its
        // topic, and its own disconnect may then never finish: bounded, and a fresh consumer tried.
        await Promise.race([subscription.stop().catch(() => {}), sleep(failedStartStopMs)]);
        this.#subscriptions.delete(subscription);
        if (attempt >= subscriptionStartAttempts || this.#closed !== undefined) throw error;
        logger.warn(
          { error: error instanceof Error ? error.message : String(error), attempt },
          "Kafka consumer failed to join its group; starting a fresh one",
        );
        await sleep(1_000);
      }
    }
  }

  /**
   * Commits the current end offsets for the partitions a group has no position on, so "start at
   * the newest" means newest when `subscribe` is called. Kafka only lets an admin set offsets of
   * a group with no live members; if some other process's member got there first, its own
   * reset applies and a warning says so.
   */
  async #pinNewGroupToEnd(topic: string, groupId: string): Promise<void> {
    const admin = await this.#connectedAdmin();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const missing = new Set(
      (committed?.partitions ?? []).filter((partition) => partition.offset === "-1").map((p) => p.partition),
    );
    if (missing.size === 0) return;
    const ends = await whileTopicSettles(() => admin.fetchTopicOffsets(topic));
    const partitions = ends
      .filter((end) => missing.has(end.partition))
      .map((end) => ({ partition: end.partition, offset: end.high }));
    try {
      await admin.setOffsets({ groupId, topic, partitions });
    } catch (error) {
      this.#logger.warn(
        { topic, groupId, error: error instanceof Error ? error.message : String(error) },
        "could not pin a new consumer group to the newest messages; Kafka's latest reset at first fetch applies",
      );
    }
  }

  /** Creates the topic and its dead-letter topic if missing; concurrent callers share one attempt. */
  #ensureTopic(topic: TopicDefinition): Promise<void> {
    let ensured = this.#topics.get(topic.name);
    if (!ensured) {
      ensured = this.#createTopics(topic);
      this.#topics.set(topic.name, ensured);
      // A failed attempt (broker down) must not poison the topic for the rest of the process.
      ensured.catch(() => this.#topics.delete(topic.name));
    }
    return ensured;
  }

  async #createTopics(topic: TopicDefinition): Promise<void> {
    const admin = await this.#connectedAdmin();
    const names = [topic.name, deadLetterTopicName(topic)];
    const existing = new Set(await admin.listTopics());
    const missing = names.filter((name) => !existing.has(name));
    if (missing.length > 0) {
      // Returns false (and kafkajs logs the broker's error) when another process created it first.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((name) => ({
          topic: name,
          numPartitions: topic.partitions,
          configEntries: [{ name: "retention.ms", value: String(topic.retentionMs) }],
        })),
      });
      this.#logger.info({ topics: missing, partitions: topic.partitions }, "created Kafka topics");
    }
    const metadata = await whileTopicSettles(() => admin.fetchTopicMetadata({ topics: [topic.name] }));
    const partitions = metadata.topics[0]?.partitions.length;
    if (partitions !== topic.partitions) {
      this.#logger.warn(
        { topic: topic.name, partitions, declared: topic.partitions },
        "Kafka topic has a different partition count than declared; key-to-partition mapping differs from the embedded bus",
      );
    }
  }

  #send(topic: string, messages: Message[]): Promise<void> {
    return this.#produceQueue.send(topic, messages);
  }

  #connectedAdmin(): Promise<Admin> {
    this.#admin ??= connect(this.#kafka.admin({ retry }), () => {
      this.#admin = undefined;
    });
    return this.#admin;
  }

  #connectedProducer(): Promise<Producer> {
    this.#producer ??= connect(
      this.#kafka.producer({
        idempotent: true,
        // One request in flight per broker keeps a partition's batches in publish order.
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        retry,
      }),
      () => {
        this.#producer = undefined;
      },
    );
    return this.#producer;
  }
}

/** Consumers tried before a subscription gives up starting. */
const subscriptionStartAttempts = 3;
/** How long a consumer that failed to start is given to disconnect. */
const failedStartStopMs = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const settlingErrors = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE", "NOT_LEADER_FOR_PARTITION"]);

/**
 * Retries a metadata call while a just-created topic settles. Another process may have created
 * it a moment ago (so this one's createTopics did not wait for leaders), and until the partitions
 * have leaders the broker answers "does not host this topic-partition" (or kafkajs trips over the
 * partial metadata). Gives up after ~15 s.
 */
async function whileTopicSettles<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      // kafkajs's fetchTopicOffsets destructures the broker's answer and throws a TypeError when
      // the topic's partitions are not all in the metadata yet (seen when two processes create
      // the topics at once): also a topic still settling.
      const settling = error instanceof TypeError || (typeof type === "string" && settlingErrors.has(type));
      if (attempt >= 30 || !settling) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Connects a kafkajs client; on failure forgets it (`reset`) so the next call tries afresh. */
async function connect<C extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  client: C,
  reset: () => void,
): Promise<C> {
  try {
    await client.connect();
    return client;
  } catch (error) {
    reset();
    await client.disconnect().catch(() => {});
    throw error;
  }
}

interface SubscriptionContext {
  readonly logger: Logger;
  readonly joinTimeoutMs: number;
  readonly deadLetter: (
    record: EventRecord,
    failure: { readonly reason: DeadLetterReason; readonly error: string; readonly attempts: number },
  ) => Promise<void>;
  readonly onStopped: () => void;
}

/** While a handler runs, heartbeats go out this often, so a slow handler does not lose the group. */
const heartbeatEveryMs = 1_000;

class KafkaSubscription implements Subscription {
  readonly topic: string;
  readonly groupId: string;
  readonly #options: SubscribeOptions<TopicDefinition>;
  readonly #context: SubscriptionContext;
  readonly #consumer: Consumer;
  readonly #stopping = new AbortController();
  #stopped: Promise<void> | undefined;

  constructor(kafka: Kafka, options: SubscribeOptions<TopicDefinition>, context: SubscriptionContext) {
    this.topic = options.topic.name;
    this.groupId = options.groupId;
    this.#options = options;
    this.#context = context;
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // Bounds how long stop() waits for an idle long-poll to return.
      maxWaitTimeInMs: 1_000,
      retry,
    });
    this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
      const fields = { error: payload.error.message, restart: payload.restart };
      if (payload.restart) context.logger.warn(fields, "Kafka consumer crashed; kafkajs restarts it");
      else context.logger.error(fields, "Kafka consumer crashed and stopped consuming");
    });
  }

  /** Connects, joins the group and starts consuming; resolves once the consumer is in the group. */
  async start(): Promise<void> {
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumer did not join group ${this.groupId} within ${this.#context.joinTimeoutMs} ms`)),
        this.#context.joinTimeoutMs,
      );
      const settle = () => {
        clearTimeout(timer);
        offJoin();
        offCrash();
      };
      const offJoin = this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
        settle();
        resolve();
      });
      const offCrash = this.#consumer.on(this.#consumer.events.CRASH, ({ payload }) => {
        settle();
        reject(payload.error);
      });
      this.#stopping.signal.addEventListener("abort", () => {
        settle();
        reject(new Error(`subscription to ${this.topic} stopped before joining group ${this.groupId}`));
      });
    });
    // Without a handler attached, a rejection before the join would go unhandled.
    joined.catch(() => {});
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.topic], fromBeginning: this.#options.fromBeginning ?? false });
    await this.#consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    await joined;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      try {
        // Waits for the batch in flight, commits the resolved offsets and leaves the group.
        await this.#consumer.disconnect();
      } finally {
        this.#context.onStopped();
      }
    })();
    return this.#stopped;
  }

  async #eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload) {
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.#stopping.signal.aborted) return;
      const record = toEventRecord(batch.topic, batch.partition, message);
      const outcome = await whileHeartbeating(heartbeat, () =>
        deliver({
          topic: this.#options.topic,
          record,
          handler: this.#options.handler,
          signal: this.#stopping.signal,
          logger: this.#context.logger,
        }),
      );
      // Left unresolved: whoever owns the partition next starts again from this message.
      if (outcome.kind === "abandoned") return;
      if (outcome.kind === "dead-letter") {
        this.#context.logger.error(
          {
            partition: record.partition,
            offset: record.offset,
            reason: outcome.reason,
            attempts: outcome.attempts,
            error: outcome.error,
          },
          "event dead-lettered",
        );
        // If this throws (broker gone), the batch fails before the offset is resolved: redelivered.
        await this.#context.deadLetter(record, outcome);
      }
      resolveOffset(message.offset);
      // Rethrows a rebalance (after committing what is resolved), which ends this batch.
      await heartbeat();
      await commitOffsetsIfNecessary();
    }
  }
}

async function whileHeartbeating<T>(heartbeat: () => Promise<void>, run: () => Promise<T>): Promise<T> {
  // Errors here (a rebalance starting) are surfaced by the heartbeat after the message instead.
  const timer = setInterval(() => heartbeat().catch(() => {}), heartbeatEveryMs);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
