import type { z } from "zod";
import type { Closeable, Pingable } from "./health";

/**
 * A background job kind, declared once (see `jobs/jobs.ts`): its payload schema, how often it
 * is tried, how long an attempt may run.
 */
export interface JobDefinition<TSchema extends z.ZodType = z.ZodType> {
  /** Hierarchical, like topics: `<domain>.<action>`, e.g. `models.online-update`. */
  readonly name: string;
  readonly description: string;
  readonly schema: TSchema;
  /** Total attempts, the first included. */
  readonly attempts: number;
  readonly backoff: { readonly kind: "fixed" | "exponential"; readonly delayMs: number };
  /** An attempt still running after this is aborted (its signal fires) and counted as failed. */
  readonly timeoutMs: number;
}

export type JobPayload<J extends JobDefinition> = z.output<J["schema"]>;
export type JobInput<J extends JobDefinition> = z.input<J["schema"]>;

export type JobState = "waiting" | "delayed" | "active" | "completed" | "failed";

export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  readonly payload: unknown;
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  /** 0..1, as last reported by the handler. */
  readonly progress: number;
  readonly result?: unknown;
  readonly failedReason?: string;
  readonly enqueuedAt: number;
  readonly finishedAt?: number;
}

export interface JobContext<T> {
  readonly id: string;
  readonly payload: T;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Fires when the attempt times out or the worker is stopping. */
  readonly signal: AbortSignal;
  reportProgress(fraction: number): Promise<void>;
}

export interface EnqueueOptions {
  /** Enqueueing an id that already exists does nothing and reports `deduplicated`. */
  readonly jobId?: string;
  readonly delayMs?: number;
}

export interface JobWorker {
  /** Takes no new jobs and waits for those in progress. */
  stop(): Promise<void>;
}

export interface JobQueue extends Pingable, Closeable {
  /** Validates the payload against the job's schema; an invalid one is rejected and nothing is queued. */
  enqueue<J extends JobDefinition>(
    job: J,
    payload: JobInput<J>,
    options?: EnqueueOptions,
  ): Promise<{ id: string; deduplicated: boolean }>;
  work<J extends JobDefinition>(
    job: J,
    handler: (context: JobContext<JobPayload<J>>) => Promise<unknown>,
    options?: { concurrency?: number },
  ): Promise<JobWorker>;
  get(job: JobDefinition, id: string): Promise<JobRecord | null>;
}

/** Thrown by `enqueue` when a payload does not match its job's schema. */
export class InvalidJobPayloadError extends Error {
  constructor(
    readonly job: string,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    super(
      `invalid payload for job ${job}: ${issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
    this.name = "InvalidJobPayloadError";
  }
}
