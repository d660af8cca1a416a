import type { DeliveredEvent, RetryPolicy, TopicDefinition, TopicPayload } from "../ports/event-bus";
import type { Logger } from "../ports/logger";
import type { DeadLetterReason } from "./dead-letter";
import { decodePayload, type EventRecord } from "./event-codec";

/**
 * What became of one message handed to a subscription's handler. Only `handled` and
 * `dead-letter` let the consumer move past it; `abandoned` (the subscription stopped between
 * attempts) leaves it uncommitted, to be delivered again from attempt 1 by whoever next owns the
 * partition: the attempt count lives in the consumer, not in the log.
 */
export type DeliveryOutcome =
  | { readonly kind: "handled"; readonly attempts: number }
  | {
      readonly kind: "dead-letter";
      readonly reason: DeadLetterReason;
      readonly error: string;
      readonly attempts: number;
    }
  | { readonly kind: "abandoned"; readonly attempts: number };

export interface DeliverOptions<T extends TopicDefinition> {
  /** The subscriber's definition: its schema parses the payload, its policy drives the retries. */
  readonly topic: T;
  readonly record: EventRecord;
  readonly handler: (event: DeliveredEvent<TopicPayload<T>>) => Promise<void>;
  /** Aborted when the subscription stops: the attempt in flight finishes, no new one starts. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/**
 * Runs the handler under the topic's retry policy: each attempt is bounded by
 * `handlerTimeoutMs`, failures wait an exponential backoff, and after `maxAttempts` failures the
 * message is reported for dead-lettering. A payload that does not parse is reported at once,
 * without calling the handler. Never throws.
 *
 * A timed-out attempt cannot be cancelled (JavaScript has no way to), so it may still be running
 * when the next attempt starts: handlers must be idempotent, as at-least-once delivery needs anyway.
 */
export async function deliver<T extends TopicDefinition>(options: DeliverOptions<T>): Promise<DeliveryOutcome> {
  const { topic, record, handler, signal } = options;
  const decoded = decodePayload(topic, record.value);
  if (!decoded.ok) return { kind: "dead-letter", reason: "invalid-payload", error: decoded.error, attempts: 0 };
  const headers = Object.freeze({ ...record.headers });
  let lastError = "";
  for (let attempt = 1; attempt <= topic.retry.maxAttempts; attempt++) {
    if (signal.aborted) return { kind: "abandoned", attempts: attempt - 1 };
    const event: DeliveredEvent<TopicPayload<T>> = Object.freeze({
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key: record.key,
      timestamp: record.timestamp,
      headers,
      payload: decoded.payload,
      attempt,
    });
    try {
      await withTimeout(() => handler(event), topic.handlerTimeoutMs);
      return { kind: "handled", attempts: attempt };
    } catch (error) {
      lastError = describeError(error);
      options.logger.warn(
        {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          key: record.key,
          attempt,
          maxAttempts: topic.retry.maxAttempts,
          error: lastError,
        },
        "event handler failed",
      );
    }
    if (attempt < topic.retry.maxAttempts && !(await pause(retryBackoffMs(topic.retry, attempt), signal))) {
      return { kind: "abandoned", attempts: attempt };
    }
  }
  return { kind: "dead-letter", reason: "handler-failed", error: lastError, attempts: topic.retry.maxAttempts };
}

/** The wait after failed attempt `attempt` (1-based): doubling from `initialBackoffMs`, capped. */
export function retryBackoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.initialBackoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
}

export class HandlerTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`handler did not finish within ${timeoutMs} ms`);
    this.name = "HandlerTimeoutError";
  }
}

async function withTimeout(run: () => Promise<void>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A synchronous throw from a non-async handler becomes a rejection like any other failure.
  const attempt = Promise.resolve().then(run);
  // Once the race is lost, a late rejection of the abandoned attempt has nobody to report to.
  attempt.catch(() => {});
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
