import { runOpenLoop } from "./lib/open-loop";
import { startPlatform, waitForCachedFeatures } from "./lib/platform";
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

for (const [index, mode] of modes.entries()) {
  const platform = await startPlatform({ apiPort: 4480 + index, pgPort: 54480 + index, env: mode.env });
  try {
    const symbol = await waitForCachedFeatures(platform.apiUrl);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    for (const rate of rates) {
      const result = await runOpenLoop({ url: `${platform.apiUrl}/api/v1/features/${symbol}/1min`, rate, durationMs });
      console.log(
        report(`features cache hit, ${mode.name}, ${rate} req/s`, summarise(result.latenciesMs), {
          achieved: `${result.achievedRate.toFixed(0)} req/s`,
          "send lag p99": `${summarise(result.lagMs).p99.toFixed(2)} ms`,
          errors: result.errors,
          statuses: JSON.stringify(result.statusCounts),
        }),
      );
    }
  } finally {
    await platform.stop();
  }
}
