import { type DeadLetterReason, deadLetterFor } from "../events/dead-letter";
import { deliver } from "../events/delivery";
import { type EncodedEvent, type EventRecord, encodeEvents } from "../events/event-codec";
import { partitionForKey } from "../events/partitioner";
import { type Clock, systemClock } from "../ports/clock";
import {
  deadLetterTopicName,
  type EventBus,
  type OutgoingEvent,
  type SubscribeOptions,
  type Subscription,
  type TopicDefinition,
  type TopicInput,
} from "../ports/event-bus";
import { type Logger, silentLogger } from "../ports/logger";

export interface InProcessEventBusOptions {
  /** Stamps events published without a timestamp and ages messages for retention. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Memory cap per topic, shared evenly by its partitions (Kafka's `retention.bytes` is per
   * partition too). A message counts its key, value and header text plus a fixed overhead, in
   * UTF-16 code units (one per byte for ASCII JSON). Default 64 MiB.
   */
  readonly maxRetainedBytesPerTopic?: number;
}

const defaultMaxRetainedBytesPerTopic = 64 * 1024 * 1024;

/** Approximate per-message bookkeeping (object, offsets, array slot), counted against the cap. */
const messageOverhead = 96;

/**
 * A consumer hands the event loop back after this much continuous work (ms): handlers that
 * resolve at once (the decision path on a burst of one time step's bars) would otherwise hold
 * timers and I/O — the HTTP requests of the same process — for the whole burst.
 */
const sliceMs = 1;

/** Lets one turn of the event loop (timers, I/O, then this) pass. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === "function") setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * The embedded EventBus: Kafka's model in one process. Each topic is a set of append-only
 * partition logs (a key's partition is Kafka's murmur2 choice, see `partitionForKey`), each
 * consumer group keeps a committed position per partition, and the members of a group split the
 * partitions between them (member i of n owns the partitions p with p mod n = i, recomputed when
 * a member joins or stops). A member handles one message at a time, commits after the handler
 * succeeded or the message was dead-lettered, and a partition is never handled by two members at
 * once, even while a rebalance hands it over. So ordering per key holds, and a message is lost
 * only if retention drops it before its group consumed it (logged as a warning).
 *
 * Retention: a message older than the topic's `retentionMs` (by the bus's clock at append time,
 * so replayed old events do not expire on arrival) or beyond the memory cap is dropped, oldest
 * first, whenever its partition is next written or read. Publishing never waits for consumers.
 * Retry backoff and handler timeouts use real timers; the clock drives timestamps and retention.
 */
export class InProcessEventBus implements EventBus {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxRetainedBytesPerTopic: number;
  readonly #topics = new Map<string, TopicLog>();
  readonly #members = new Set<GroupMember>();
  readonly #partitionMismatchReported = new Set<string>();
  #closed = false;

  constructor(options: InProcessEventBusOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    const cap = options.maxRetainedBytesPerTopic ?? defaultMaxRetainedBytesPerTopic;
    if (!Number.isFinite(cap) || cap <= 0)
      throw new RangeError(`maxRetainedBytesPerTopic must be positive, got ${cap}`);
    this.#maxRetainedBytesPerTopic = cap;
  }

  async publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): Promise<void> {
    this.#assertOpen();
    const encoded = encodeEvents(topic, events, () => this.#clock.now());
    if (encoded.length === 0) return;
    this.#topicLog(topic).append(encoded, this.#clock.now());
  }

  async subscribe<T extends TopicDefinition>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.#assertOpen();
    if (options.groupId.length === 0) throw new Error("subscribe: groupId must not be empty");
    const log = this.#topicLog(options.topic);
    const group = log.group(options.groupId, options.fromBeginning ?? false, this.#clock.now());
    const member = new GroupMember(options, group, {
      logger: this.#logger.child({ topic: options.topic.name, groupId: options.groupId }),
      deadLetter: (record, failure) => {
        const target = this.#topicLog({
          name: deadLetterTopicName(options.topic),
          partitions: options.topic.partitions,
          retentionMs: options.topic.retentionMs,
        });
        const letter = deadLetterFor(record, { ...failure, groupId: options.groupId, failedAt: this.#clock.now() });
        // Values the embedded bus stores are always JSON text; `null` only arrives from Kafka.
        target.append([{ ...letter, value: letter.value ?? "null" }], this.#clock.now());
      },
      onStopped: () => this.#members.delete(member),
    });
    this.#members.add(member);
    return member;
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  /** Stops every subscription (each waits for its handler in flight), then refuses further use. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#members].map((member) => member.stop()));
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("the in-process event bus is closed");
  }

  #topicLog(topic: Pick<TopicDefinition, "name" | "partitions" | "retentionMs">): TopicLog {
    const existing = this.#topics.get(topic.name);
    if (existing) {
      if (existing.partitions !== topic.partitions && !this.#partitionMismatchReported.has(topic.name)) {
        this.#partitionMismatchReported.add(topic.name);
        // Like Kafka: the partition count is fixed when the topic is created.
        this.#logger.warn(
          { topic: topic.name, partitions: existing.partitions, declared: topic.partitions },
          "topic declared with a different partition count than it was created with; keeping the original",
        );
      }
      return existing;
    }
    const created = new TopicLog(
      topic.name,
      topic.partitions,
      topic.retentionMs,
      Math.floor(this.#maxRetainedBytesPerTopic / topic.partitions),
      this.#clock,
      this.#logger.child({ topic: topic.name }),
    );
    this.#topics.set(topic.name, created);
    return created;
  }
}

interface StoredMessage extends EncodedEvent {
  readonly offset: number;
  readonly appendedAt: number;
  readonly size: number;
}

/** One partition's append-only log: offsets only grow; the oldest entries are dropped by retention. */
class PartitionLog {
  #messages: StoredMessage[] = [];
  /** Index in `#messages` of the oldest retained message; dropped entries are compacted in bulk. */
  #head = 0;
  #bytes = 0;
  #nextOffset = 0;

  get startOffset(): number {
    return this.#messages[this.#head]?.offset ?? this.#nextOffset;
  }

  get endOffset(): number {
    return this.#nextOffset;
  }

  get retainedBytes(): number {
    return this.#bytes;
  }

  append(event: EncodedEvent, appendedAt: number): void {
    let size = messageOverhead + event.key.length + event.value.length;
    for (const [name, value] of Object.entries(event.headers)) size += name.length + value.length;
    this.#messages.push({ ...event, offset: this.#nextOffset, appendedAt, size });
    this.#nextOffset += 1;
    this.#bytes += size;
  }

  at(offset: number): StoredMessage | undefined {
    if (offset < this.startOffset) return undefined;
    return this.#messages[this.#head + (offset - this.startOffset)];
  }

  /** Drops messages appended before `expiredBefore`, then the oldest until the log fits in `maxBytes`. */
  evict(expiredBefore: number, maxBytes: number): void {
    for (;;) {
      const oldest = this.#messages[this.#head];
      if (!oldest || (oldest.appendedAt >= expiredBefore && this.#bytes <= maxBytes)) break;
      this.#head += 1;
      this.#bytes -= oldest.size;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#messages.length) {
      this.#messages = this.#messages.slice(this.#head);
      this.#head = 0;
    }
  }
}

class TopicLog {
  readonly #logs: PartitionLog[];
  readonly #groups = new Map<string, ConsumerGroup>();

  constructor(
    readonly name: string,
    readonly partitions: number,
    readonly retentionMs: number,
    readonly maxBytesPerPartition: number,
    readonly clock: Clock,
    readonly logger: Logger,
  ) {
    this.#logs = Array.from({ length: partitions }, () => new PartitionLog());
  }

  append(events: readonly EncodedEvent[], now: number): void {
    const touched = new Set<number>();
    for (const event of events) {
      const partition = partitionForKey(event.key, this.partitions);
      this.partition(partition).append(event, now);
      touched.add(partition);
    }
    for (const partition of touched) this.evict(partition);
    for (const group of this.#groups.values()) group.wake();
  }

  partition(index: number): PartitionLog {
    const log = this.#logs[index];
    if (!log) throw new RangeError(`topic ${this.name} has no partition ${index}`);
    return log;
  }

  evict(partition: number): PartitionLog {
    const log = this.partition(partition);
    log.evict(this.clock.now() - this.retentionMs, this.maxBytesPerPartition);
    return log;
  }

  /** The group's shared state, created on its first subscription with its starting positions. */
  group(groupId: string, fromBeginning: boolean, now: number): ConsumerGroup {
    const existing = this.#groups.get(groupId);
    if (existing) return existing;
    const positions = this.#logs.map((_, partition) => {
      const log = this.evict(partition);
      return fromBeginning ? log.startOffset : log.endOffset;
    });
    const group = new ConsumerGroup(groupId, this, positions);
    this.#groups.set(groupId, group);
    this.logger.debug({ groupId, fromBeginning, at: now }, "consumer group created");
    return group;
  }
}

interface Claim {
  readonly partition: number;
  readonly message: StoredMessage;
}

/** A consumer group's committed positions and members, for one topic. */
class ConsumerGroup {
  readonly #members: GroupMember[] = [];
  /** Partitions whose message is in a handler right now: nobody else may take them. */
  readonly #busy = new Set<number>();

  constructor(
    readonly id: string,
    readonly topic: TopicLog,
    /** Per partition, the offset of the next message to hand out (Kafka's committed offset). */
    readonly positions: number[],
  ) {}

  join(member: GroupMember): void {
    this.#members.push(member);
    this.wake();
  }

  leave(member: GroupMember): void {
    const index = this.#members.indexOf(member);
    if (index >= 0) this.#members.splice(index, 1);
    this.wake();
  }

  /** Partitions `member` owns under the current membership. */
  assignment(member: GroupMember): number[] {
    const index = this.#members.indexOf(member);
    if (index < 0) return [];
    const owned: number[] = [];
    for (let p = index; p < this.topic.partitions; p += this.#members.length) owned.push(p);
    return owned;
  }

  /**
   * The next message for `member` from a partition it owns that is idle and has one waiting,
   * starting the scan at `from` so one busy partition cannot starve the others. Marks it busy.
   */
  claim(member: GroupMember, from: number): Claim | undefined {
    const owned = this.assignment(member);
    for (let i = 0; i < owned.length; i++) {
      const partition = owned[(from + i) % owned.length];
      if (partition === undefined || this.#busy.has(partition)) continue;
      const log = this.topic.evict(partition);
      const position = this.#position(partition);
      if (position < log.startOffset) {
        this.topic.logger.warn(
          { groupId: this.id, partition, lost: log.startOffset - position, from: position, to: log.startOffset },
          "retention dropped messages this consumer group had not consumed yet",
        );
        this.positions[partition] = log.startOffset;
      }
      const message = log.at(this.#position(partition));
      if (!message) continue;
      this.#busy.add(partition);
      return { partition, message };
    }
    return undefined;
  }

  /** Ends a claim; `commit` moves the group past the message. Wakes members waiting for the partition. */
  release(claim: Claim, commit: boolean): void {
    if (commit) this.positions[claim.partition] = claim.message.offset + 1;
    this.#busy.delete(claim.partition);
    this.wake();
  }

  wake(): void {
    for (const member of this.#members) member.wake();
  }

  #position(partition: number): number {
    return this.positions[partition] ?? 0;
  }
}

interface MemberContext {
  readonly logger: Logger;
  readonly deadLetter: (
    record: EventRecord,
    failure: { readonly reason: DeadLetterReason; readonly error: string; readonly attempts: number },
  ) => void;
  readonly onStopped: () => void;
}

/** One subscription: a member of its group that handles its partitions' messages one at a time. */
class GroupMember implements Subscription {
  readonly topic: string;
  readonly groupId: string;
  readonly #options: SubscribeOptions<TopicDefinition>;
  readonly #group: ConsumerGroup;
  readonly #context: MemberContext;
  readonly #stopping = new AbortController();
  readonly #loop: Promise<void>;
  #wakeUp: (() => void) | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: SubscribeOptions<TopicDefinition>, group: ConsumerGroup, context: MemberContext) {
    this.topic = options.topic.name;
    this.groupId = options.groupId;
    this.#options = options;
    this.#group = group;
    this.#context = context;
    group.join(this);
    this.#loop = this.#run().catch((error: unknown) => {
      context.logger.error(
        { error: error instanceof Error ? error.message : String(error) },
        "event consumer crashed and stopped consuming",
      );
    });
  }

  wake(): void {
    const wakeUp = this.#wakeUp;
    this.#wakeUp = undefined;
    wakeUp?.();
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      // Leaving at once hands the other partitions over now; the one in flight stays claimed
      // until its handler returns, so nobody handles it twice.
      this.#group.leave(this);
      this.wake();
      await this.#loop;
      this.#context.onStopped();
    })();
    return this.#stopped;
  }

  async #run(): Promise<void> {
    let cursor = 0;
    let sliceStart = performance.now();
    while (!this.#stopping.signal.aborted) {
      const claim = this.#group.claim(this, cursor);
      if (!claim) {
        await new Promise<void>((resolve) => {
          this.#wakeUp = resolve;
        });
        sliceStart = performance.now();
        continue;
      }
      cursor += 1;
      let commit = false;
      try {
        commit = await this.#handle(claim);
      } finally {
        this.#group.release(claim, commit);
      }
      if (performance.now() - sliceStart >= sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
  }

  /** Delivers one message; true when the group may move past it. */
  async #handle(claim: Claim): Promise<boolean> {
    const { message } = claim;
    const record: EventRecord = {
      topic: this.topic,
      partition: claim.partition,
      offset: String(message.offset),
      key: message.key,
      value: message.value,
      headers: message.headers,
      timestamp: message.timestamp,
    };
    const outcome = await deliver({
      topic: this.#options.topic,
      record,
      handler: this.#options.handler,
      signal: this.#stopping.signal,
      logger: this.#context.logger,
    });
    if (outcome.kind === "abandoned") return false;
    if (outcome.kind === "dead-letter") {
      this.#context.logger.error(
        {
          partition: claim.partition,
          offset: record.offset,
          reason: outcome.reason,
          attempts: outcome.attempts,
          error: outcome.error,
        },
        "event dead-lettered",
      );
      this.#context.deadLetter(record, outcome);
    }
    return true;
  }
}
