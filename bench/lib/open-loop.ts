import { Agent, request } from "undici";

export interface OpenLoopOptions {
  readonly url: string;
  readonly method?: "GET" | "POST";
  /** A JSON body, or one per request (e.g. distinct orders, so none is a duplicate). */
  readonly body?: string | ((index: number) => string);
  /** Requests started per second, whatever the server's speed (an open loop). */
  readonly rate: number;
  readonly durationMs: number;
  readonly connections?: number;
  readonly warmupMs?: number;
}

export interface OpenLoopResult {
  /**
   * From the moment each request was handed to the client (queueing for a connection included),
   * which never waits for earlier responses: a slow server is charged for the backlog it causes.
   */
  readonly latenciesMs: Float64Array;
  /** How late each request went out against its schedule: the generator's own jitter. */
  readonly lagMs: Float64Array;
  readonly sent: number;
  readonly errors: number;
  readonly statusCounts: Readonly<Record<number, number>>;
  readonly achievedRate: number;
}

/**
 * A fixed-arrival-rate load generator over keep-alive connections. Requests go out on schedule
 * whatever the server does (no coordinated omission: a stalled server meets a growing queue, and
 * every queued request counts as slow). A timer wakes about every millisecond and sends whatever
 * is due, rather than spinning between requests: a spinning generator would take a whole core
 * from the server it measures. How late the schedule was kept is reported as `lagMs`.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const dispatcher = new Agent({ connections: options.connections ?? 32, pipelining: 1, keepAliveTimeout: 30_000 });
  const intervalMs = 1000 / options.rate;
  const total = Math.round((options.durationMs / 1000) * options.rate);
  const warmup = Math.round(((options.warmupMs ?? 1_000) / 1000) * options.rate);
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  const statusCounts: Record<number, number> = {};
  let errors = 0;
  let recorded = 0;
  const inflight = new Set<Promise<void>>();

  const fire = (due: number, index: number) => {
    const sent = performance.now();
    if (index >= warmup) lags[index - warmup] = sent - due;
    const promise = request(options.url, {
      method: options.method ?? "GET",
      dispatcher,
      ...(options.body === undefined
        ? {}
        : {
            body: typeof options.body === "string" ? options.body : options.body(index),
            headers: { "content-type": "application/json" },
          }),
    })
      .then(async (response) => {
        await response.body.dump();
        const elapsed = performance.now() - sent;
        statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
        if (index >= warmup) latencies[recorded++] = elapsed;
      })
      .catch(() => {
        errors += 1;
      })
      .finally(() => inflight.delete(promise));
    inflight.add(promise);
  };

  const started = performance.now();
  const all = warmup + total;
  let next = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < all && started + next * intervalMs <= now) {
        fire(started + next * intervalMs, next);
        next += 1;
      }
      if (next >= all) return done();
      setTimeout(tick, Math.max(0, started + next * intervalMs - performance.now()));
    };
    tick();
  });
  const sendingMs = performance.now() - started;
  await Promise.all(inflight);
  await dispatcher.close();
  return {
    latenciesMs: latencies.subarray(0, recorded),
    lagMs: lags,
    sent: all,
    errors,
    statusCounts,
    achievedRate: all / (sendingMs / 1000),
  };
}
