import { randomUUID } from "node:crypto";
import {
  assertValidJobId,
  assertValidJobProgress,
  type EnqueueOptions,
  InvalidJobPayloadError,
  type JobContext,
  type JobDefinition,
  type JobInput,
  type JobPayload,
  type JobQueue,
  type JobRecord,
  type JobState,
  JobTimeoutError,
  type JobWorker,
  jsonRoundTrip,
  type Logger,
  silentLogger,
  toStoredJobPayload,
  WorkerStoppingError,
} from "@tradeops/core";
import { type Job, Queue, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { z } from "zod";
import { FailFastRedis } from "../redis/redis-connection";

export interface BullMqJobQueueOptions {
  readonly url: string;
  /** BullMQ's key prefix; default `tradeops`. Tests use a unique one per run. */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** How long enqueue/work/get wait for a queue's first connection before failing; default 5 s. */
  readonly connectTimeoutMs?: number;
}

/**
 * What is stored as a BullMQ job's data. The token tells this enqueue's job apart from one that
 * already held the id: BullMQ answers both with the same id, so `deduplicated` is read back from
 * the stored token instead of guessed.
 */
const storedDataSchema = z.object({ payload: z.unknown(), enqueueToken: z.string() });
type StoredData = z.infer<typeof storedDataSchema>;

/** Finished jobs kept per queue, for `get` and jobId dedupe; the local twin keeps the same. */
const retention = { removeOnComplete: { count: 1_000 }, removeOnFail: { count: 5_000 } } as const;

/**
 * The job queue on BullMQ: one BullMQ queue per job kind (queue name = job name), attempts and
 * backoff from the job's definition, payloads validated on enqueue and again before each run.
 *
 * BullMQ has no per-attempt timeout, so each attempt races the handler against `timeoutMs` and
 * fires the handler's signal; the attempt fails at the timeout even if the handler ignores it.
 */
export class BullMqJobQueue implements JobQueue {
  readonly #url: string;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #connectTimeoutMs: number;
  readonly #queues = new Map<string, Queue<StoredData>>();
  readonly #workers = new Set<BullMqWorker>();
  readonly #pinger: FailFastRedis;
  #closed = false;

  constructor(options: BullMqJobQueueOptions) {
    this.#url = options.url;
    this.#prefix = options.prefix ?? "tradeops";
    this.#logger = options.logger ?? silentLogger;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#pinger = new FailFastRedis({
      url: options.url,
      name: "tradeops-job-queue",
      logger: this.#logger,
      connectTimeoutMs: this.#connectTimeoutMs,
    });
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
    if (options.jobId !== undefined) assertValidJobId(options.jobId);
    const queue = await this.#queue(job.name);
    const enqueueToken = randomUUID();
    const added = await queue.add(
      job.name,
      { payload: stored, enqueueToken },
      {
        jobId: options.jobId,
        delay: delayMs,
        attempts: job.attempts,
        backoff: { type: job.backoff.kind, delay: job.backoff.delayMs },
        ...retention,
      },
    );
    const id = added.id;
    if (id === undefined) throw new Error(`BullMQ returned no id for a ${job.name} job`);
    if (options.jobId === undefined) return { id, deduplicated: false };
    const current = await queue.getJob(id);
    const token = storedDataSchema.safeParse(current?.data).data?.enqueueToken;
    // A job already gone again (finished and evicted in between) cannot have been someone else's.
    return { id, deduplicated: current !== undefined && token !== enqueueToken };
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
    const logger = this.#logger.child({ job: job.name });
    /** Attempts in flight, each settling by its timeout at the latest. */
    const active = new Map<AbortController, Promise<unknown>>();

    const processJob = async (bullJob: Job<StoredData>, token?: string): Promise<unknown> => {
      const id = bullJob.id;
      if (id === undefined) throw new UnrecoverableError("BullMQ handed over a job without an id");
      const parsed = await parseStored(job, bullJob.data);
      if (!parsed.success) {
        // Retrying cannot fix a payload the schema rejects: fail it now, keep the worker running.
        throw new UnrecoverableError(new InvalidJobPayloadError(job.name, parsed.error.issues).message);
      }
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new JobTimeoutError(job.name, job.timeoutMs);
          controller.abort(error);
          reject(error);
        }, job.timeoutMs);
      });
      const context: JobContext<JobPayload<J>> = {
        id,
        // What the job's own schema just parsed, i.e. its output type.
        payload: parsed.data as JobPayload<J>,
        attempt: bullJob.attemptsMade + 1,
        signal: controller.signal,
        reportProgress: async (fraction) => {
          assertValidJobProgress(fraction);
          await bullJob.updateProgress(fraction);
        },
      };
      const attempt = Promise.race([Promise.resolve().then(() => handler(context)), timedOut]);
      active.set(controller, attempt);
      try {
        const result = await attempt;
        // Serialise here so a result JSON cannot carry fails this attempt, not BullMQ's bookkeeping.
        return jsonRoundTrip(result);
      } catch (error) {
        if (controller.signal.reason instanceof WorkerStoppingError && token !== undefined) {
          // Given up because the worker is stopping: back to waiting without charging an attempt.
          await bullJob.moveToWait(token);
          throw new WaitingError();
        }
        throw error instanceof Error ? error : new Error(String(error));
      } finally {
        clearTimeout(timer);
        active.delete(controller);
      }
    };

    const worker = new Worker<StoredData>(job.name, processJob, {
      connection: { url: this.#url, maxRetriesPerRequest: null },
      prefix: this.#prefix,
      concurrency,
      autorun: true,
    });
    worker.on("error", (error) => logger.warn({ err: error.message }, "BullMQ worker error"));
    worker.on("failed", (failed, error) => {
      if (!failed) return;
      const final = failed.attemptsMade >= (failed.opts.attempts ?? 1) || error instanceof UnrecoverableError;
      const fields = { id: failed.id, attempt: failed.attemptsMade, err: error.message };
      if (final) logger.error(fields, "job failed");
      else logger.warn(fields, "job attempt failed; retrying");
    });
    const wrapper = new BullMqWorker({
      name: job.name,
      worker,
      active,
      logger,
      graceMs: this.#connectTimeoutMs,
      onStopped: () => this.#workers.delete(wrapper),
    });
    this.#workers.add(wrapper);
    try {
      await within(worker.waitUntilReady(), this.#connectTimeoutMs, `BullMQ worker for ${job.name}`);
    } catch (error) {
      // Nothing can be running yet; a graceful close would wait for a connection that never comes.
      await wrapper.stop(true);
      throw error;
    }
    return wrapper;
  }

  async get(job: JobDefinition, id: string): Promise<JobRecord | null> {
    this.#assertOpen();
    const queue = await this.#queue(job.name);
    const snapshot = await consistentSnapshot(queue, id);
    if (!snapshot) return null;
    const { job: found, state } = snapshot;
    const stored = storedDataSchema.safeParse(found.data);
    return Object.freeze({
      id,
      name: job.name,
      state,
      payload: stored.success ? stored.data.payload : found.data,
      attemptsMade: found.attemptsMade,
      maxAttempts: found.opts.attempts ?? 1,
      progress: typeof found.progress === "number" ? found.progress : 0,
      ...(state === "completed" ? { result: found.returnvalue } : {}),
      ...(found.failedReason ? { failedReason: found.failedReason } : {}),
      enqueuedAt: found.timestamp,
      ...(found.finishedOn !== undefined ? { finishedAt: found.finishedOn } : {}),
    });
  }

  /** A real PING on a connection that fails fast. */
  async ping(): Promise<void> {
    this.#assertOpen();
    await this.#pinger.ping();
  }

  /** Stops every worker gracefully, then closes the queues and connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#workers].map((worker) => worker.stop()));
    await Promise.all(
      [...this.#queues].map(async ([name, queue]) => {
        try {
          await within(queue.close(), this.#connectTimeoutMs, `closing BullMQ queue ${name}`);
        } catch (error) {
          // Redis is gone: drop the connection so it stops reconnecting and holding the process.
          this.#logger.warn({ queue: name, err: errorMessage(error) }, "BullMQ queue did not close cleanly");
          await within(queue.disconnect(), this.#connectTimeoutMs, `disconnecting BullMQ queue ${name}`).catch(
            () => {},
          );
        }
      }),
    );
    this.#queues.clear();
    await this.#pinger.close();
  }

  /** The BullMQ queue for a job kind, connected (or failing within the connect timeout). */
  async #queue(name: string): Promise<Queue<StoredData>> {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue<StoredData>(name, {
        // Without an offline queue, an add while Redis is down fails instead of waiting for it.
        connection: { url: this.#url, enableOfflineQueue: false },
        prefix: this.#prefix,
      });
      queue.on("error", (error) => this.#logger.warn({ queue: name, err: error.message }, "BullMQ queue error"));
      this.#queues.set(name, queue);
    }
    await within(queue.waitUntilReady(), this.#connectTimeoutMs, `BullMQ queue ${name}`);
    return queue;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("job queue is closed");
  }
}

interface BullMqWorkerOptions {
  readonly name: string;
  readonly worker: Worker<StoredData>;
  readonly active: ReadonlyMap<AbortController, Promise<unknown>>;
  readonly logger: Logger;
  /** How long BullMQ may take to record the last results once the handlers are done. */
  readonly graceMs: number;
  readonly onStopped: () => void;
}

class BullMqWorker implements JobWorker {
  readonly #options: BullMqWorkerOptions;

  constructor(options: BullMqWorkerOptions) {
    this.#options = options;
  }

  /**
   * Takes no new job, fires the active jobs' signals and waits for their handlers (each bounded
   * by its timeout). BullMQ's own graceful close then records their results; with Redis gone it
   * would wait for Redis forever, so past the grace period the connections are dropped and the
   * unrecorded jobs are left for BullMQ's stalled-job check to run again. `force` skips waiting.
   */
  async stop(force = false): Promise<void> {
    const { name, worker, active, logger, graceMs, onStopped } = this.#options;
    for (const controller of active.keys()) controller.abort(new WorkerStoppingError(name));
    const closing = worker.close(force);
    await Promise.allSettled(active.values());
    try {
      await within(closing, graceMs, `closing the ${name} worker`);
    } catch {
      logger.warn({ graceMs }, "Redis did not answer while the worker stopped; dropping its connections");
      await within(worker.disconnect(), graceMs, `disconnecting the ${name} worker`).catch(() => {});
      await within(closing, graceMs, `closing the ${name} worker`).catch(() => {});
    }
    onStopped();
  }
}

/** The stored payload, parsed by the worker's schema (which may be newer than the producer's). */
async function parseStored(job: JobDefinition, data: unknown): Promise<z.ZodSafeParseResult<unknown>> {
  const stored = storedDataSchema.safeParse(data);
  if (!stored.success) return stored;
  return job.schema.safeParseAsync(stored.data.payload);
}

/**
 * The job's hash and its state, read so that they agree: BullMQ keeps them in separate keys, and a
 * job finishing between the two reads would pair a "completed" state with a pre-completion hash.
 * The state is read on both sides of the hash and the read repeated until both readings match.
 */
async function consistentSnapshot(
  queue: Queue<StoredData>,
  id: string,
): Promise<{ job: Job<StoredData>; state: JobState } | null> {
  for (let tries = 0; ; tries++) {
    const before = await queue.getJobState(id);
    const job = await queue.getJob(id);
    const after = await queue.getJobState(id);
    if (!job) return null;
    const state = toJobState(after);
    if (!state) return null;
    if (before === after || tries === 4) return { job, state };
  }
}

function toJobState(state: string): JobState | null {
  switch (state) {
    case "waiting":
    case "delayed":
    case "active":
    case "completed":
    case "failed":
      return state;
    case "prioritized":
    case "waiting-children":
      return "waiting";
    default:
      // "unknown": removed between the two reads.
      return null;
  }
}

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: Redis not reachable within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
