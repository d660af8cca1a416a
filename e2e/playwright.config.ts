import { defineConfig } from "@playwright/test";
import { z } from "zod";

/**
 * Browser tests against a running console (`npm start`, or the CI smoke run). Debian's Chromium,
 * never a downloaded browser; the flags keep it off the network this machine cannot reach.
 */
const env = z
  .object({
    E2E_BASE_URL: z.url().default("http://127.0.0.1:3000"),
    E2E_CHROMIUM: z.string().min(1).default("/usr/bin/chromium"),
  })
  .parse(process.env);

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"], ["json", { outputFile: "../.ci-out/e2e.json" }]],
  use: {
    baseURL: env.E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: env.E2E_CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  outputDir: "../.ci-out/e2e-artifacts",
});
