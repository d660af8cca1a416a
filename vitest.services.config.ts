import { defineConfig } from "vitest/config";

/**
 * Suites against real PostgreSQL, Redis and Kafka, named by DATABASE_URL, REDIS_URL and
 * KAFKA_BROKERS. A missing variable fails the suite: nothing here skips silently.
 */
export default defineConfig({
  test: {
    include: ["{packages,apps,infra}/**/*.integration.test.ts"],
    exclude: ["**/node_modules/**", "**/.next/**", "**/dist/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
