import { runOpenLoop } from "./lib/open-loop";
import { startApi, startPlatform, waitForCachedFeatures } from "./lib/platform";
import { report, summarise } from "./lib/stats";

/**
 * Target: GET /api/v1/features/{symbol}/{timeframe} on a cache hit, P99 < 2 ms at 2,000 req/s over
 * HTTP on loopback. Runs the embedded platform (memory cache) and, with BENCH_REDIS_URL set, the
 * Redis-backed cache; fixed arrival rates of 500, 1,000 and 2,000 requests per second.
 *   node --import tsx bench/features-endpoint.ts
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 node --import tsx bench/features-endpoint.ts
 */
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const rates = (process.env.BENCH_RATES ?? "500,1000,2000").split(",").map(Number);
/** After the first cached vector: first-start work (model training, backfill) finishing before measuring. */
const settleMs = Number(process.env.BENCH_SETTLE_MS ?? 30_000);
const modes: { name: string; env: Record<string, string> }[] = [{ name: "memory cache", env: {} }];
if (process.env.BENCH_REDIS_URL) {
  modes.push({
    name: "redis cache",
    env: { REDIS_URL: process.env.BENCH_REDIS_URL, REDIS_NAMESPACE: `bench${Date.now()}` },
  });
}

async function measure(label: string, url: string): Promise<void> {
  for (const rate of rates) {
    const result = await runOpenLoop({ url, rate, durationMs });
    console.log(
      report(`features cache hit, ${label}, ${rate} req/s`, summarise(result.latenciesMs), {
        achieved: `${result.achievedRate.toFixed(0)} req/s`,
        "send lag p99": `${summarise(result.lagMs).p99.toFixed(2)} ms`,
        errors: result.errors,
        statuses: JSON.stringify(result.statusCounts),
      }),
    );
  }
}

for (const [index, mode] of modes.entries()) {
  const platform = await startPlatform({ apiPort: 4480 + index, pgPort: 54480 + index, env: mode.env });
  try {
    const symbol = await waitForCachedFeatures(platform.apiUrl);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    await measure(mode.name, `${platform.apiUrl}/api/v1/features/${symbol}/1min`);
    if (mode.name === "redis cache") {
      // The production shape: an API replica that only serves (WORKER_ROLES=none), reading the
      // cache the decision path filled. The platform's own API (and its decision path) stops
      // first, so the replica has the machine; entries live 300 s, longer than the runs.
      await platform.stopApi();
      const replica = await startApi(4490, { ...platform.env, WORKER_ROLES: "none" });
      try {
        // Its prediction engine warms from the stored bars at start: let that finish first.
        await new Promise((resolve) => setTimeout(resolve, 15_000));
        await measure("redis cache, serving-only replica", `${replica.url}/api/v1/features/${symbol}/1min`);
      } finally {
        await replica.stop();
      }
    }
  } finally {
    await platform.stop();
  }
}
