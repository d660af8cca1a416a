import { z } from "zod";
import { type Clock, systemClock } from "../ports/clock";
import {
  type EventBus,
  InvalidEventError,
  type OutgoingEvent,
  type TopicDefinition,
  type TopicInput,
} from "../ports/event-bus";
import type { EventSpill, SpillEntry } from "../ports/event-spill";
import { type Logger, silentLogger } from "../ports/logger";
import { deadLetterHeader, deadLetterTopic } from "./dead-letter";
import { type EncodedEvent, encodeEvents } from "./event-codec";
import { topics as platformTopics } from "./topics";

export interface BufferedPublisherOptions {
  readonly bus: EventBus;
  readonly spill: EventSpill;
  /** Stamps events published without a timestamp, and dead letters' failure time. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Topics whose events a previous run may have left in the spill, so they can be replayed.
   * Topics passed to `publish` are added. Default: every platform topic (`events/topics.ts`).
   */
  readonly topics?: readonly TopicDefinition[];
  /** Events held in memory before the oldest go to the spill. Default 10,000 (the spec's). */
  readonly maxBufferedEvents?: number;
  /** Events per send to the bus. Default 500. */
  readonly maxBatchSize?: number;
  /** Events per append to the spill (one fsync each on disk). Default 5,000. */
  readonly maxSpillAppend?: number;
  /** Wait after a failed send: `initialMs` doubling per consecutive failure up to `maxMs`. Default 100 ms to 5 s. */
  readonly backoff?: PublishBackoff;
  /**
   * A send not answered within this long marks the publisher degraded (the spec's "producer send
   * timeout", 10 s) while it keeps waiting for that send. Default 10,000 ms.
   */
  readonly stallAfterMs?: number;
  /** How long `close()` tries to drain before it spills the rest. Default 5,000 ms. */
  readonly closeTimeoutMs?: number;
}

export interface PublishBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface BufferedPublisherStats {
  /** Events `publish` accepted since `start`. */
  readonly accepted: number;
  /** Events found in the spill at `start`, left there by a previous run. */
  readonly recovered: number;
  /** Events held in memory, the one send in flight included. */
  readonly buffered: number;
  /** Events in the spill or being written to it, not yet published. */
  readonly spilled: number;
  /** Events the bus took. */
  readonly published: number;
  /**
   * Events the bus refused as invalid (their topic's schema changed, or the topic is no longer
   * declared, since they were accepted), sent to the topic's dead-letter topic instead.
   */
  readonly deadLettered: number;
  /** Failed sends, stalled sends and failed spill operations. */
  readonly failures: number;
  readonly lastError: string | null;
  /**
   * True while sends fail or stall, or while anything waits in the spill: the console shows
   * "Forensics processing delayed".
   */
  readonly degraded: boolean;
}

/** Thrown by `publish` before `start` has resolved and once `close` has been called. */
export class PublisherNotOpenError extends Error {
  constructor(state: "not started" | "closed") {
    super(`buffered publisher is ${state}: events cannot be accepted`);
    this.name = "PublisherNotOpenError";
  }
}

/** The wait before the next attempt after `failures` consecutive failures (1 for the first). */
export function publishRetryDelayMs(policy: PublishBackoff, failures: number): number {
  const doublings = Math.max(0, Math.min(failures - 1, 52));
  return Math.min(policy.maxMs, policy.initialMs * 2 ** doublings);
}

/**
 * Publishes events without ever making the caller wait for the bus: the decision path hands its
 * events over and moves on, and forensics catches up when it can (spec, failure scenario 2).
 *
 * `publish` validates synchronously (a bad payload is a programming error and throws
 * `InvalidEventError` at once), stamps the time, snapshots the payload as JSON and queues it. One
 * background drainer sends the queue to the bus in batches, in acceptance order, so every key's
 * order holds too. A failed send is retried after an exponential, capped backoff, never in
 * parallel with itself; meanwhile `publish` keeps accepting. Past `maxBufferedEvents` in memory
 * the OLDEST events go to the spill, and because the spill only ever holds events older than
 * those in memory, the drainer empties it first: the order the bus sees is the order of
 * acceptance. At `start` whatever a previous run left in the spill is therefore sent before
 * anything new.
 *
 * Delivery is exactly once when sends fail cleanly (the bus rejects). It is at least once when a
 * send is abandoned unanswered at `close` (its events are also spilled, and sent again by the
 * next run) or when the bus itself reports failure after writing (Kafka's bounded retries can):
 * consumers are idempotent, as the event bus requires anyway.
 *
 * Counting (the spec's "verify event count matches expected"): at every moment
 * `accepted + recovered = published + deadLettered + buffered + spilled`, and `flush` reports
 * true only once `buffered` and `spilled` are both 0.
 */
export class BufferedPublisher {
  readonly #bus: EventBus;
  readonly #spill: EventSpill;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #topics = new Map<string, TopicDefinition>();
  readonly #maxBuffered: number;
  readonly #maxBatch: number;
  readonly #maxSpillAppend: number;
  readonly #backoff: PublishBackoff;
  readonly #stallAfterMs: number;
  readonly #closeTimeoutMs: number;

  /** Accepted, not yet sent nor spilled: newer than everything in the spill. */
  readonly #queue = new Fifo<Pending>();
  /** The batch the drainer took from memory, while its send is in flight. */
  #inflight: Inflight | undefined;
  /** Overflow waiting for the spill writer, oldest first, behind everything already spilled. */
  readonly #toSpill = new Fifo<Pending>();
  /** Events in the append the writer has in flight. */
  #writing = 0;
  /** Events appended to the spill and not acknowledged there. */
  #spillDurable = 0;
  /**
   * Events at the head of the spill that are already published and only wait to be
   * acknowledged: a memory batch copied to the spill while its send was in flight, or a spill
   * batch whose acknowledgement failed.
   */
  #publishedAtSpillHead = 0;

  #accepted = 0;
  #recovered = 0;
  #published = 0;
  #deadLettered = 0;
  #failures = 0;
  #consecutiveFailures = 0;
  #lastError: string | null = null;
  #stalled = false;
  #reportedDegraded = false;

  #starting: Promise<void> | undefined;
  #started = false;
  #closing: Promise<void> | undefined;
  /** The drainer takes no new batch. */
  #stopping = false;
  /** The drainer's send in flight was given up at close: it must not touch any state again. */
  #abandoned = false;
  /** The spill writer gives up instead of retrying: close reports what could not be persisted. */
  #finalWrite = false;
  #sending = false;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;
  #drainer: Promise<void> = Promise.resolve();
  #writer: Promise<void> | undefined;
  /** Wakes whoever waits for the state to change (the drainer when idle, `flush`). */
  readonly #changed = new Signal();
  /** Cuts a backoff pause short (flush and close want an attempt now). */
  readonly #nudge = new Signal();

  constructor(options: BufferedPublisherOptions) {
    this.#bus = options.bus;
    this.#spill = options.spill;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    for (const topic of options.topics ?? platformTopics) this.#topics.set(topic.name, topic);
    this.#maxBuffered = positiveInteger("maxBufferedEvents", options.maxBufferedEvents ?? 10_000);
    this.#maxBatch = positiveInteger("maxBatchSize", options.maxBatchSize ?? 500);
    this.#maxSpillAppend = positiveInteger("maxSpillAppend", options.maxSpillAppend ?? 5_000);
    this.#backoff = options.backoff ?? { initialMs: 100, maxMs: 5_000 };
    if (!(this.#backoff.initialMs >= 0 && this.#backoff.maxMs >= this.#backoff.initialMs)) {
      throw new RangeError("backoff: need 0 <= initialMs <= maxMs");
    }
    this.#stallAfterMs = positiveInteger("stallAfterMs", options.stallAfterMs ?? 10_000);
    this.#closeTimeoutMs = nonNegative("closeTimeoutMs", options.closeTimeoutMs ?? 5_000);
  }

  /** Counts what the spill holds from a previous run and starts the drainer, which replays it first. */
  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new PublisherNotOpenError("closed"));
    this.#starting ??= (async () => {
      const leftOver = await this.#spill.size();
      this.#spillDurable = leftOver;
      this.#recovered = leftOver;
      if (leftOver > 0) {
        this.#logger.warn(
          { events: leftOver },
          "replaying events a previous run left in the spill, before any new one",
        );
      }
      this.#started = true;
      this.#drainer = this.#drain();
      this.#reportHealth();
    })();
    return this.#starting;
  }

  /**
   * Accepts events for `topic` and returns at once; the bus is never awaited. Throws
   * `InvalidEventError` (nothing accepted) when an event does not match the topic's schema, and
   * `PublisherNotOpenError` before `start` resolved or after `close`.
   */
  publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): void {
    if (this.#closing) throw new PublisherNotOpenError("closed");
    if (!this.#started) throw new PublisherNotOpenError("not started");
    const encoded = encodeEvents(topic, events, () => this.#clock.now());
    if (encoded.length === 0) return;
    if (this.#topics.get(topic.name) !== topic) this.#topics.set(topic.name, topic);
    for (const event of encoded) this.#queue.push({ topic: topic.name, ...event });
    this.#accepted += encoded.length;
    this.#overflow();
    this.#changed.notify();
  }

  stats(): BufferedPublisherStats {
    return {
      accepted: this.#accepted,
      recovered: this.#recovered,
      buffered: this.#buffered(),
      spilled: this.#spilled(),
      published: this.#published,
      deadLettered: this.#deadLettered,
      failures: this.#failures,
      lastError: this.#lastError,
      degraded: this.#isDegraded(),
    };
  }

  /**
   * Waits until every event accepted so far (and every recovered one) has left the publisher,
   * or `timeoutMs` passed; true when nothing is left. A pending backoff is cut short.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    nonNegative("timeoutMs", timeoutMs);
    this.#nudge.notify();
    const deadline = timer(timeoutMs);
    try {
      while (!this.#isEmpty()) {
        const timedOut = await Promise.race([this.#changed.wait().then(() => false), deadline.elapsed]);
        if (timedOut) break;
      }
    } finally {
      deadline.cancel();
    }
    return this.#isEmpty();
  }

  /**
   * Stops accepting, drains what can be drained within `timeoutMs`, then writes everything left
   * to the spill, so nothing accepted is lost. A send still unanswered at the deadline is
   * abandoned and its events are spilled too (sent again by the next run: at least once).
   * Rejects when the spill cannot take what is left.
   */
  close(timeoutMs = this.#closeTimeoutMs): Promise<void> {
    this.#closing ??= this.#shutDown(nonNegative("timeoutMs", timeoutMs));
    return this.#closing;
  }

  async #shutDown(timeoutMs: number): Promise<void> {
    if (!this.#starting) return;
    await this.#starting;
    await this.flush(timeoutMs);
    this.#stopping = true;
    this.#changed.notify();
    this.#nudge.notify();
    if (this.#sending) {
      this.#abandoned = true;
      clearTimeout(this.#stallTimer);
      const inflight = this.#inflight;
      if (inflight && !inflight.stolen) {
        // Nothing overflowed while it was in flight (overflow takes it first), so the spill
        // is empty and it is the oldest event: it goes first.
        inflight.stolen = true;
        this.#toSpill.pushAll(inflight.records);
      }
      this.#logger.warn({ stats: this.stats() }, "abandoned an unanswered send at close; its events are spilled");
    } else {
      await this.#drainer;
    }
    this.#inflight = undefined;
    this.#toSpill.pushAll(this.#queue.take(this.#queue.length));
    this.#finalWrite = true;
    this.#nudge.notify();
    while (this.#toSpill.length > 0 || this.#writer) {
      this.#startWriter();
      const writer = this.#writer;
      if (!writer) break;
      try {
        await writer;
      } catch (error) {
        const lost = this.#toSpill.length;
        throw new Error(`buffered publisher: ${lost} events could not be written to the spill: ${describe(error)}`);
      }
    }
    const landed = Math.min(this.#publishedAtSpillHead, this.#spillDurable);
    if (landed > 0) {
      await this.#spill.acknowledge(landed);
      this.#spillDurable -= landed;
      this.#publishedAtSpillHead -= landed;
    }
    this.#logger.info({ stats: this.stats() }, "buffered publisher closed");
  }

  #buffered(): number {
    const inflight = this.#inflight;
    return this.#queue.length + (inflight && !inflight.stolen ? inflight.records.length : 0);
  }

  #spilled(): number {
    return this.#spillDurable + this.#toSpill.length + this.#writing - this.#publishedAtSpillHead;
  }

  #isEmpty(): boolean {
    return this.#buffered() === 0 && this.#spilled() === 0 && this.#publishedAtSpillHead === 0;
  }

  #isDegraded(): boolean {
    return this.#consecutiveFailures > 0 || this.#stalled || this.#spilled() > 0;
  }

  /** Moves the oldest events past the memory cap to the spill writer, the batch in flight first. */
  #overflow(): void {
    const inflight = this.#inflight && !this.#inflight.stolen ? this.#inflight : undefined;
    let excess = this.#queue.length + (inflight?.records.length ?? 0) - this.#maxBuffered;
    if (excess <= 0) return;
    if (inflight) {
      // The batch in flight is the oldest event in memory. Its send may still succeed: then the
      // copy lands at the head of the spill and is acknowledged there without being sent again.
      inflight.stolen = true;
      this.#toSpill.pushAll(inflight.records);
      excess -= inflight.records.length;
    }
    if (excess > 0) this.#toSpill.pushAll(this.#queue.take(excess));
    this.#startWriter();
    this.#reportHealth();
  }

  #startWriter(): void {
    if (this.#writer || this.#toSpill.length === 0) return;
    const writer = this.#writeSpill().finally(() => {
      if (this.#writer === writer) this.#writer = undefined;
      if (!this.#finalWrite) this.#startWriter();
    });
    this.#writer = writer;
    // Only close awaits the writer; elsewhere a failure has been logged and counted already.
    writer.catch(() => {});
  }

  async #writeSpill(): Promise<void> {
    let failures = 0;
    while (this.#toSpill.length > 0) {
      const chunk = this.#toSpill.take(this.#maxSpillAppend);
      this.#writing = chunk.length;
      try {
        await this.#spill.append(chunk.map(toSpillEntry));
        this.#spillDurable += chunk.length;
        failures = 0;
      } catch (error) {
        this.#toSpill.putBack(chunk);
        failures += 1;
        this.#recordFailure(error, "could not write events to the spill; they stay in memory");
        if (this.#finalWrite) throw error;
        await this.#sleep(publishRetryDelayMs(this.#backoff, failures));
      } finally {
        this.#writing = 0;
        this.#changed.notify();
      }
    }
  }

  async #drain(): Promise<void> {
    while (!this.#stopping) {
      try {
        const batch = await this.#nextBatch();
        if (!batch) return;
        if (this.#stopping) {
          // Close began while the batch was being read: leave it where it was, unsent.
          if (batch.source === "memory") this.#queue.putBack(batch.inflight.records);
          this.#inflight = undefined;
          return;
        }
        const outcome = await this.#attempt(batch.items);
        if (this.#abandoned) return;
        this.#settle(batch, outcome);
        if (outcome.error === undefined) {
          this.#consecutiveFailures = 0;
          this.#reportHealth();
        } else {
          this.#consecutiveFailures += 1;
          this.#recordFailure(outcome.error, "event bus send failed; events stay buffered");
          await this.#pause(publishRetryDelayMs(this.#backoff, this.#consecutiveFailures));
        }
      } catch (error) {
        // A spill read or acknowledgement failed; nothing moved, so the same step is retried.
        if (this.#abandoned) return;
        this.#consecutiveFailures += 1;
        this.#recordFailure(error, "event spill operation failed");
        await this.#pause(publishRetryDelayMs(this.#backoff, this.#consecutiveFailures));
      } finally {
        this.#changed.notify();
      }
    }
  }

  /** The next batch in acceptance order: the spill's head first, then memory. Undefined once stopping. */
  async #nextBatch(): Promise<Batch | undefined> {
    for (;;) {
      if (this.#stopping) return undefined;
      if (this.#publishedAtSpillHead > 0) {
        const landed = Math.min(this.#publishedAtSpillHead, this.#spillDurable);
        if (landed > 0) {
          await this.#spill.acknowledge(landed);
          this.#spillDurable -= landed;
          this.#publishedAtSpillHead -= landed;
          this.#changed.notify();
        } else if (this.#toSpill.length > 0 || this.#writing > 0) {
          // Still on its way to the spill.
          await this.#changed.wait();
        } else {
          this.#logger.error(
            { expected: this.#publishedAtSpillHead },
            "published events expected at the head of the spill never arrived there",
          );
          this.#publishedAtSpillHead = 0;
        }
        continue;
      }
      if (this.#spillDurable > 0) {
        const records = await this.#spill.readBatch(this.#maxBatch);
        if (this.#stopping) return undefined;
        if (records.length > 0) {
          return {
            source: "spill",
            items: records.map((record) => ({
              topic: record.topic,
              event: { key: record.key, payload: record.payload, headers: record.headers, timestamp: record.timestamp },
            })),
          };
        }
        const actual = await this.#spill.size();
        this.#logger.error({ expected: this.#spillDurable, actual }, "the spill holds fewer events than counted");
        this.#spillDurable = actual;
        if (actual > 0) throw new Error(`the spill reports ${actual} events but returned none`);
        continue;
      }
      if (this.#toSpill.length > 0 || this.#writing > 0) {
        // Older than anything in memory: wait for it to land in the spill and send it from there.
        await this.#changed.wait();
        continue;
      }
      if (this.#queue.length > 0) {
        const inflight: Inflight = { records: this.#queue.take(this.#maxBatch), stolen: false };
        this.#inflight = inflight;
        return {
          source: "memory",
          inflight,
          items: inflight.records.map((pending) => ({
            topic: pending.topic,
            event: {
              key: pending.key,
              payload: JSON.parse(pending.value) as unknown,
              headers: pending.headers,
              timestamp: pending.timestamp,
            },
          })),
        };
      }
      await this.#changed.wait();
    }
  }

  /** Sends `items`, reporting how many leading ones are done; never throws. */
  async #attempt(items: readonly Outbound[]): Promise<AttemptOutcome> {
    this.#sending = true;
    this.#stallTimer = setTimeout(() => {
      this.#stalled = true;
      this.#recordFailure(
        new Error(`event bus send not answered within ${this.#stallAfterMs} ms`),
        "event bus send stalled; still waiting for it, events stay buffered",
      );
    }, this.#stallAfterMs);
    const progress = { done: 0, deadLettered: 0 };
    try {
      await this.#send(items, progress);
      return progress;
    } catch (error) {
      return { ...progress, error };
    } finally {
      clearTimeout(this.#stallTimer);
      this.#stalled = false;
      this.#sending = false;
    }
  }

  /** Sends runs of same-topic events in order, advancing `progress.done` after each success. */
  async #send(items: readonly Outbound[], progress: { done: number; deadLettered: number }): Promise<void> {
    while (progress.done < items.length) {
      if (this.#abandoned) return;
      const start = progress.done;
      const name = items[start]?.topic ?? "";
      let end = start + 1;
      while (end < items.length && items[end]?.topic === name) end += 1;
      const run = items.slice(start, end).map((item) => item.event);
      const topic = this.#topics.get(name);
      if (!topic) {
        await this.#deadLetter(undeclaredTopic(name), run, `topic ${name} is not declared to this publisher`);
        progress.deadLettered += run.length;
        progress.done = end;
        continue;
      }
      try {
        await this.#bus.publish(topic, run);
        progress.done = end;
      } catch (error) {
        // The bus re-validates; a refusal here means the schema changed since the event was accepted.
        if (!(error instanceof InvalidEventError) || error.topic !== topic.name) throw error;
        const bad = run[error.index];
        if (!bad) throw error;
        if (error.index > 0) {
          await this.#bus.publish(topic, run.slice(0, error.index));
          progress.done = start + error.index;
        }
        if (this.#abandoned) return;
        await this.#deadLetter(topic, [bad], error.message);
        progress.deadLettered += 1;
        progress.done = start + error.index + 1;
      }
    }
  }

  async #deadLetter(topic: TopicDefinition, events: readonly OutgoingEvent<unknown>[], reason: string): Promise<void> {
    const failedAt = String(this.#clock.now());
    await this.#bus.publish(
      deadLetterTopic(topic),
      events.map((event) => ({
        key: event.key,
        payload: event.payload,
        timestamp: event.timestamp,
        headers: {
          ...event.headers,
          [deadLetterHeader.reason]: "invalid-payload",
          [deadLetterHeader.error]: reason.slice(0, 2_000),
          [deadLetterHeader.topic]: topic.name,
          [deadLetterHeader.failedAt]: failedAt,
        },
      })),
    );
    this.#logger.error(
      { topic: topic.name, events: events.length, reason },
      "events dead-lettered: the bus refused them",
    );
  }

  /** Accounts for a finished attempt: what was sent leaves, the rest goes back where it came from. */
  #settle(batch: Batch, outcome: AttemptOutcome): void {
    this.#published += outcome.done - outcome.deadLettered;
    this.#deadLettered += outcome.deadLettered;
    if (batch.source === "spill") {
      this.#publishedAtSpillHead += outcome.done;
      return;
    }
    this.#inflight = undefined;
    if (batch.inflight.stolen) {
      // Its copy is in the spill, or on its way there: the sent prefix gets acknowledged there.
      this.#publishedAtSpillHead += outcome.done;
    } else if (outcome.done < batch.inflight.records.length) {
      this.#queue.putBack(batch.inflight.records.slice(outcome.done));
    }
  }

  #recordFailure(error: unknown, message: string): void {
    this.#failures += 1;
    this.#lastError = describe(error);
    this.#logger.warn(
      { error: this.#lastError, buffered: this.#buffered(), spilled: this.#spilled(), failures: this.#failures },
      message,
    );
    this.#reportHealth();
  }

  /** Logs entering and leaving the degraded state once each (the alert and its resolution). */
  #reportHealth(): void {
    const degraded = this.#isDegraded();
    if (degraded === this.#reportedDegraded) return;
    this.#reportedDegraded = degraded;
    const counts = { ...this.stats() };
    if (degraded) this.#logger.warn(counts, "forensics processing delayed: events are buffered, not yet on the bus");
    else this.#logger.info(counts, "event bus caught up: every buffered event has been published");
  }

  /** The drainer's backoff: `ms`, or less when nudged; nothing once stopping. */
  async #pause(ms: number): Promise<void> {
    if (!this.#stopping) await this.#sleep(ms);
  }

  /** Waits `ms`, or less when nudged. */
  async #sleep(ms: number): Promise<void> {
    const wait = timer(ms);
    try {
      await Promise.race([wait.elapsed, this.#nudge.wait()]);
    } finally {
      wait.cancel();
    }
  }
}

interface Pending extends EncodedEvent {
  /** The topic's name; the payload is kept as the JSON text accepted, so no caller can change it. */
  readonly topic: string;
}

interface Inflight {
  readonly records: readonly Pending[];
  /** Copied to the spill by overflow while its send was in flight. */
  stolen: boolean;
}

interface Outbound {
  readonly topic: string;
  readonly event: OutgoingEvent<unknown>;
}

type Batch =
  | { readonly source: "spill"; readonly items: readonly Outbound[] }
  | { readonly source: "memory"; readonly inflight: Inflight; readonly items: readonly Outbound[] };

interface AttemptOutcome {
  /** Leading items sent or dead-lettered. */
  readonly done: number;
  readonly deadLettered: number;
  readonly error?: unknown;
}

function toSpillEntry(pending: Pending): SpillEntry {
  return {
    topic: pending.topic,
    key: pending.key,
    payload: JSON.parse(pending.value) as unknown,
    headers: pending.headers,
    timestamp: pending.timestamp,
  };
}

const anyPayload = z.unknown();

/** Where events of a topic no longer declared are dead-lettered: `<name>.dead-letter`, one partition. */
function undeclaredTopic(name: string): TopicDefinition {
  return {
    name,
    description: `undeclared topic ${name}, seen in the spill`,
    schema: anyPayload,
    partitions: 1,
    retry: { maxAttempts: 1, initialBackoffMs: 0, maxBackoffMs: 0 },
    handlerTimeoutMs: 30_000,
    retentionMs: 7 * 24 * 60 * 60 * 1000,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return value;
}

function timer(ms: number): { readonly elapsed: Promise<true>; cancel(): void } {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<true>((resolve) => {
    handle = setTimeout(() => resolve(true), ms);
  });
  return { elapsed, cancel: () => clearTimeout(handle) };
}

/** One-shot wake-ups: every `wait()` made before a `notify()` resolves on it. */
class Signal {
  #waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A FIFO with O(1) amortised take from the head and put-back at the head. */
class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  pushAll(items: readonly T[]): void {
    for (const item of items) this.#items.push(item);
  }

  /** Removes and returns up to `count` items from the head. */
  take(count: number): T[] {
    const taken = this.#items.slice(this.#head, this.#head + count);
    this.#head += taken.length;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 4_096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  /** Returns `items` to the head, ahead of everything queued. */
  putBack(items: readonly T[]): void {
    if (items.length <= this.#head) {
      this.#head -= items.length;
      items.forEach((item, i) => {
        this.#items[this.#head + i] = item;
      });
    } else {
      this.#items = [...items, ...this.#items.slice(this.#head)];
      this.#head = 0;
    }
  }
}
