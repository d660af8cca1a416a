import { type Clock, systemClock } from "../ports/clock";
import {
  type EnqueueOptions,
  InvalidJobPayloadError,
  type JobContext,
  type JobDefinition,
  type JobInput,
  type JobPayload,
  type JobQueue,
  type JobRecord,
  type JobState,
  type JobWorker,
} from "../ports/job-queue";
import { type Logger, silentLogger } from "../ports/logger";

export interface LocalJobQueueOptions {
  /** Stamps `enqueuedAt`/`finishedAt`. Delays, backoff and timeouts run on real timers. */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Finished jobs kept per job kind for `get` and jobId dedupe (BullMQ's removeOnComplete/removeOnFail counts). */
  readonly retain?: { readonly completed?: number; readonly failed?: number };
}

/** Why an attempt's signal fired when it ran past the job's `timeoutMs`. */
export class JobTimeoutError extends Error {
  constructor(
    readonly job: string,
    readonly timeoutMs: number,
  ) {
    super(`job ${job} timed out after ${timeoutMs} ms`);
    this.name = "JobTimeoutError";
  }
}

/** Why an attempt's signal fired when its worker was stopped. */
export class WorkerStoppingError extends Error {
  constructor(readonly job: string) {
    super(`worker for ${job} is stopping`);
    this.name = "WorkerStoppingError";
  }
}

interface StoredJob {
  readonly id: string;
  readonly payload: unknown;
  /** Fixed at enqueue, as BullMQ stores them in the job's options. */
  readonly maxAttempts: number;
  readonly backoff: JobDefinition["backoff"];
  readonly enqueuedAt: number;
  state: JobState;
  attemptsMade: number;
  progress: number;
  result?: unknown;
  failedReason?: string;
  finishedAt?: number;
  /** Pending delay or backoff, cleared on close. */
  timer?: ReturnType<typeof setTimeout>;
}

/** Everything about one job kind: its jobs by id, the FIFO of runnable ones, its workers. */
interface Lane {
  readonly name: string;
  readonly jobs: Map<string, StoredJob>;
  readonly waiting: StoredJob[];
  readonly completed: string[];
  readonly failed: string[];
  readonly workers: Set<LocalWorker>;
  nextId: number;
}

type Handler = (context: JobContext<unknown>) => Promise<unknown>;

const defaultRetainCompleted = 1_000;
const defaultRetainFailed = 5_000;

/**
 * The embedded twin of the BullMQ queue: in-process and in-memory, with the same semantics —
 * payloads travel as JSON and are validated on enqueue and again before each run, attempts with
 * fixed or exponential backoff, a per-attempt timeout that fires the handler's signal, jobId
 * dedupe, delayed jobs, bounded retention of finished jobs.
 *
 * An attempt that times out is failed at once even if its handler ignores the signal (the handler
 * keeps running unobserved), so a stuck handler cannot hold a concurrency slot forever.
 */
export class LocalJobQueue implements JobQueue {
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #retainCompleted: number;
  readonly #retainFailed: number;
  readonly #lanes = new Map<string, Lane>();
  #closed = false;

  constructor(options: LocalJobQueueOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#retainCompleted = options.retain?.completed ?? defaultRetainCompleted;
    this.#retainFailed = options.retain?.failed ?? defaultRetainFailed;
  }

  async enqueue<J extends JobDefinition>(
    job: J,
    payload: JobInput<J>,
    options: EnqueueOptions = {},
  ): Promise<{ id: string; deduplicated: boolean }> {
    this.#assertOpen();
    const stored = await toStoredJobPayload(job, payload);
    const delayMs = options.delayMs ?? 0;
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
    const lane = this.#lane(job);
    if (options.jobId !== undefined) {
      assertValidJobId(options.jobId);
      if (lane.jobs.has(options.jobId)) return { id: options.jobId, deduplicated: true };
    }
    const id = options.jobId ?? this.#nextId(lane);
    const record: StoredJob = {
      id,
      payload: stored,
      maxAttempts: job.attempts,
      backoff: job.backoff,
      enqueuedAt: this.#clock.now(),
      state: "waiting",
      attemptsMade: 0,
      progress: 0,
    };
    lane.jobs.set(id, record);
    if (delayMs > 0) this.#delay(lane, record, delayMs);
    else this.#makeRunnable(lane, record);
    return { id, deduplicated: false };
  }

  async work<J extends JobDefinition>(
    job: J,
    handler: (context: JobContext<JobPayload<J>>) => Promise<unknown>,
    options: { concurrency?: number } = {},
  ): Promise<JobWorker> {
    this.#assertOpen();
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    const lane = this.#lane(job);
    // The handler receives what the schema parsed out of the stored payload, i.e. JobPayload<J>.
    const worker = new LocalWorker(job, lane, handler as Handler, concurrency, (record, outcome) =>
      this.#settle(lane, record, outcome),
    );
    lane.workers.add(worker);
    worker.pump();
    return worker;
  }

  async get(job: JobDefinition, id: string): Promise<JobRecord | null> {
    this.#assertOpen();
    const record = this.#lanes.get(job.name)?.jobs.get(id);
    if (!record) return null;
    return Object.freeze({
      id: record.id,
      name: job.name,
      state: record.state,
      payload: structuredClone(record.payload),
      attemptsMade: record.attemptsMade,
      maxAttempts: record.maxAttempts,
      progress: record.progress,
      ...(record.result !== undefined ? { result: structuredClone(record.result) } : {}),
      ...(record.failedReason !== undefined ? { failedReason: record.failedReason } : {}),
      enqueuedAt: record.enqueuedAt,
      ...(record.finishedAt !== undefined ? { finishedAt: record.finishedAt } : {}),
    });
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  /** Stops every worker (waiting for their active jobs) and drops pending timers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const workers = [...this.#lanes.values()].flatMap((lane) => [...lane.workers]);
    await Promise.all(workers.map((worker) => worker.stop()));
    for (const lane of this.#lanes.values()) {
      for (const record of lane.jobs.values()) clearTimeout(record.timer);
    }
  }

  /** Called by a worker when an attempt ends; decides what happens to the job next. */
  #settle(lane: Lane, record: StoredJob, outcome: AttemptOutcome): void {
    clearTimeout(record.timer);
    record.timer = undefined;
    const name = lane.name;
    if (outcome.kind === "requeued") {
      // Given up because the worker stopped: not the job's fault, so no attempt is used and it
      // goes to the front of the line.
      record.state = "waiting";
      lane.waiting.unshift(record);
      this.#notify(lane);
      return;
    }
    record.attemptsMade += 1;
    if (outcome.kind === "completed") {
      record.state = "completed";
      record.result = outcome.result;
      record.finishedAt = this.#clock.now();
      this.#retain(lane, lane.completed, record.id, this.#retainCompleted);
    } else if (outcome.retryable && record.attemptsMade < record.maxAttempts) {
      record.failedReason = outcome.reason;
      this.#logger.warn(
        { job: name, id: record.id, attempt: record.attemptsMade, err: outcome.reason },
        "job attempt failed; retrying",
      );
      this.#delay(lane, record, backoffDelayMs(record.backoff, record.attemptsMade));
    } else {
      record.failedReason = outcome.reason;
      record.state = "failed";
      record.finishedAt = this.#clock.now();
      this.#logger.error(
        { job: name, id: record.id, attempts: record.attemptsMade, err: outcome.reason },
        "job failed",
      );
      this.#retain(lane, lane.failed, record.id, this.#retainFailed);
    }
    this.#notify(lane);
  }

  #lane(job: JobDefinition): Lane {
    let lane = this.#lanes.get(job.name);
    if (!lane) {
      lane = {
        name: job.name,
        jobs: new Map(),
        waiting: [],
        completed: [],
        failed: [],
        workers: new Set(),
        nextId: 1,
      };
      this.#lanes.set(job.name, lane);
    }
    return lane;
  }

  /** Sequential ids like BullMQ's, skipping any a caller already used as a custom id. */
  #nextId(lane: Lane): string {
    let id = String(lane.nextId++);
    while (lane.jobs.has(id)) id = String(lane.nextId++);
    return id;
  }

  #delay(lane: Lane, record: StoredJob, delayMs: number): void {
    record.state = "delayed";
    record.timer = setTimeout(() => {
      record.timer = undefined;
      this.#makeRunnable(lane, record);
    }, delayMs);
  }

  #makeRunnable(lane: Lane, record: StoredJob): void {
    record.state = "waiting";
    lane.waiting.push(record);
    this.#notify(lane);
  }

  #notify(lane: Lane): void {
    for (const worker of lane.workers) worker.pump();
  }

  #retain(lane: Lane, finished: string[], id: string, limit: number): void {
    finished.push(id);
    while (finished.length > limit) {
      const evicted = finished.shift();
      if (evicted !== undefined) lane.jobs.delete(evicted);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("job queue is closed");
  }
}

type AttemptOutcome =
  | { readonly kind: "completed"; readonly result: unknown }
  | { readonly kind: "failed"; readonly reason: string; readonly retryable: boolean }
  | { readonly kind: "requeued" };

class LocalWorker implements JobWorker {
  /** The worker's own definition: its schema and timeout apply at processing time. */
  readonly #definition: JobDefinition;
  readonly #lane: Lane;
  readonly #handler: Handler;
  readonly #concurrency: number;
  readonly #settle: (record: StoredJob, outcome: AttemptOutcome) => void;
  readonly #active = new Map<StoredJob, { controller: AbortController; done: Promise<void> }>();
  #stopping = false;

  constructor(
    definition: JobDefinition,
    lane: Lane,
    handler: Handler,
    concurrency: number,
    settle: (record: StoredJob, outcome: AttemptOutcome) => void,
  ) {
    this.#definition = definition;
    this.#lane = lane;
    this.#handler = handler;
    this.#concurrency = concurrency;
    this.#settle = settle;
  }

  /** Starts waiting jobs while there is a free slot. */
  pump(): void {
    while (!this.#stopping && this.#active.size < this.#concurrency) {
      const record = this.#lane.waiting.shift();
      if (!record) return;
      const controller = new AbortController();
      record.state = "active";
      const done = this.#attempt(record, controller).then((outcome) => {
        this.#active.delete(record);
        this.#settle(record, outcome);
      });
      this.#active.set(record, { controller, done });
    }
  }

  async stop(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      for (const { controller } of this.#active.values()) {
        controller.abort(new WorkerStoppingError(this.#definition.name));
      }
    }
    await Promise.all([...this.#active.values()].map((active) => active.done));
    this.#lane.workers.delete(this);
  }

  async #attempt(record: StoredJob, controller: AbortController): Promise<AttemptOutcome> {
    const definition = this.#definition;
    const parsed = await definition.schema.safeParseAsync(record.payload);
    if (!parsed.success) {
      // A stored payload the current schema rejects will never run: fail it, do not retry it.
      const reason = new InvalidJobPayloadError(definition.name, parsed.error.issues).message;
      return { kind: "failed", reason, retryable: false };
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new JobTimeoutError(definition.name, definition.timeoutMs);
        controller.abort(error);
        reject(error);
      }, definition.timeoutMs);
    });
    const context: JobContext<unknown> = {
      id: record.id,
      payload: parsed.data,
      attempt: record.attemptsMade + 1,
      signal: controller.signal,
      reportProgress: async (fraction) => {
        assertValidJobProgress(fraction);
        record.progress = fraction;
      },
    };
    try {
      const result = await Promise.race([Promise.resolve().then(() => this.#handler(context)), timedOut]);
      // Results travel as JSON in BullMQ; doing the same here keeps the twin honest.
      return { kind: "completed", result: jsonRoundTrip(result) };
    } catch (error) {
      // An attempt that gives up once its worker is stopping is requeued rather than charged.
      if (controller.signal.reason instanceof WorkerStoppingError) return { kind: "requeued" };
      return { kind: "failed", reason: errorMessage(error), retryable: true };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** BullMQ's formulas: fixed is `delayMs` every time; exponential is `delayMs * 2^(failures - 1)`. */
export function backoffDelayMs(backoff: JobDefinition["backoff"], failedAttempts: number): number {
  const { kind, delayMs } = backoff;
  return kind === "fixed" ? delayMs : Math.round(delayMs * 2 ** (failedAttempts - 1));
}

/**
 * Custom job ids follow BullMQ's rules so code that runs embedded also runs on BullMQ: non-empty,
 * no `:` (its key separator), and not an integer (those are its generated ids).
 */
export function assertValidJobId(id: string): void {
  if (id.length === 0 || id.includes(":") || String(Number.parseInt(id, 10)) === id) {
    throw new RangeError(`job id ${JSON.stringify(id)} must be non-empty, contain no ':' and not be an integer`);
  }
}

/** Progress is a fraction of the work done, 0..1. */
export function assertValidJobProgress(fraction: number): void {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new RangeError(`progress must be a fraction between 0 and 1, got ${fraction}`);
  }
}

/**
 * The payload as a queue stores it: its JSON form, which must still satisfy the job's schema (a
 * Date, a BigInt or a class instance would not survive the trip), or InvalidJobPayloadError.
 */
export async function toStoredJobPayload(job: JobDefinition, payload: unknown): Promise<unknown> {
  let stored: unknown;
  try {
    stored = jsonRoundTrip(payload);
  } catch (error) {
    throw new InvalidJobPayloadError(job.name, [
      { code: "custom", path: [], message: `not serialisable as JSON: ${errorMessage(error)}`, input: payload },
    ]);
  }
  const parsed = await job.schema.safeParseAsync(stored);
  if (!parsed.success) throw new InvalidJobPayloadError(job.name, parsed.error.issues);
  return stored;
}

/** `value` as it reads back from JSON; throws on what JSON cannot carry (BigInt, cycles). */
export function jsonRoundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  // JSON.stringify(undefined) is undefined: store nothing as null, as BullMQ does.
  return text === undefined ? null : JSON.parse(text);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
