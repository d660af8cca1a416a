import { Agent, request } from "undici";

export interface OpenLoopOptions {
  readonly url: string;
  readonly method?: "GET" | "POST";
  readonly body?: string;
  /** Requests started per second, whatever the server's speed (an open loop). */
  readonly rate: number;
  readonly durationMs: number;
  readonly connections?: number;
  readonly warmupMs?: number;
}

export interface OpenLoopResult {
  /** From each request's scheduled start, so a slow server is charged for the queueing it causes. */
  readonly latenciesMs: Float64Array;
  readonly sent: number;
  readonly errors: number;
  readonly statusCounts: Readonly<Record<number, number>>;
  readonly achievedRate: number;
}

/**
 * A fixed-arrival-rate load generator over keep-alive connections. Latency is measured from the
 * time each request was due, not from when it was actually sent, which avoids coordinated
 * omission: if the server stalls, the requests that should have gone out meanwhile count as slow.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const dispatcher = new Agent({ connections: options.connections ?? 32, pipelining: 1, keepAliveTimeout: 30_000 });
  const intervalMs = 1000 / options.rate;
  const total = Math.round((options.durationMs / 1000) * options.rate);
  const warmup = Math.round(((options.warmupMs ?? 1_000) / 1000) * options.rate);
  const latencies = new Float64Array(total);
  const statusCounts: Record<number, number> = {};
  let errors = 0;
  let recorded = 0;
  const inflight = new Set<Promise<void>>();

  const fire = (due: number, index: number) => {
    const promise = request(options.url, {
      method: options.method ?? "GET",
      dispatcher,
      ...(options.body ? { body: options.body, headers: { "content-type": "application/json" } } : {}),
    })
      .then(async (response) => {
        await response.body.dump();
        const elapsed = performance.now() - due;
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
  for (let index = 0; index < all; index++) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 0.5));
    while (performance.now() < due) {
      // Busy-wait the last half millisecond: timers are too coarse for 2,000 requests per second.
    }
    fire(due, index);
  }
  const sendingMs = performance.now() - started;
  await Promise.all(inflight);
  await dispatcher.close();
  return {
    latenciesMs: latencies.subarray(0, recorded),
    sent: all,
    errors,
    statusCounts,
    achievedRate: all / (sendingMs / 1000),
  };
}
