import { defineConfig } from "vitest/config";

/** Unit tests and embedded-mode integration tests: no external service needed. */
export default defineConfig({
  test: {
    include: ["{packages,apps,infra}/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.integration.test.ts", "**/.next/**", "**/dist/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
