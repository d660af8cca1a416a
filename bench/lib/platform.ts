import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const root = resolve(import.meta.dirname, "..", "..");

export interface RunningPlatform {
  readonly apiUrl: string;
  /** The API's environment, for a replica of it (`startApi`). */
  readonly env: NodeJS.ProcessEnv;
  /** Stops the API only, leaving the embedded PostgreSQL running. */
  stopApi(): Promise<void>;
  /** The platform's data folder (TRADEOPS_DATA_DIR: the local risk officer's key is there). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

function started(
  child: ChildProcess,
  name: string,
  ready: (line: string) => boolean,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on("line", (line) => {
      if (ready(line)) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} during start-up`));
    });
  });
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once("exit", () => resolvePromise());
    child.kill("SIGTERM");
  });
}

/** The embedded PostgreSQL server (PGlite over the wire protocol) on a fresh data folder. */
export async function startEmbeddedPostgres(
  dataDir: string,
  port: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const postgres = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(root, "packages/db/src/embedded-postgres-main.ts"),
      "--data-dir",
      dataDir,
      "--port",
      String(port),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  await started(postgres, "postgres", (line) => line.includes('"ready":true'), 60_000);
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, stop: () => stopped(postgres) };
}

/**
 * The API on embedded PostgreSQL, every role in-process (the decision path feeding the feature
 * cache), from a fresh data folder. `env` adds variables, e.g. REDIS_URL for the Redis-backed cache.
 */
export async function startPlatform(options: {
  apiPort: number;
  pgPort: number;
  env?: Record<string, string>;
}): Promise<RunningPlatform> {
  const data = mkdtempSync(join(tmpdir(), "tradeops-bench-"));
  const postgres = await startEmbeddedPostgres(join(data, "pg"), options.pgPort);
  const env = {
    // The embedded platform: connection strings of real services in this shell (e.g. after
    // `eval "$(bash infra/local/services.sh env)"`) are not inherited, only what `env` adds.
    ...withoutServices(process.env),
    DATABASE_URL: postgres.url,
    TRADEOPS_DATA_DIR: data,
    MODEL_STORE_DIR: join(data, "models"),
    EVENT_SPILL_DIR: join(data, "spill"),
    LOG_LEVEL: "warn",
    ...options.env,
  };
  const api = await startApi(options.apiPort, env);
  return {
    apiUrl: api.url,
    dataDir: data,
    env,
    stopApi: api.stop,
    async stop() {
      await api.stop();
      await postgres.stop();
    },
  };
}

/**
 * An API process on `port` with `env` (plus API_PORT), once /readyz answers. With WORKER_ROLES
 * set to `none` it is a serving-only replica: no decision path in its event loop.
 */
export async function startApi(port: number, env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  // BENCH_API_PROFILE_DIR: a V8 CPU profile of the API process, to see where its time goes.
  const profile = process.env.BENCH_API_PROFILE_DIR;
  const profiling = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  const api = spawn(process.execPath, [...profiling, "--import", "tsx", join(root, "apps/api/src/main.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...env, API_PORT: String(port) },
  });
  api.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || api.exitCode !== null) throw new Error("API did not become ready");
    await new Promise((r) => setTimeout(r, 500));
  }
  let stopping: Promise<void> | undefined;
  return { url, stop: () => (stopping ??= stopped(api)) };
}

/** Waits until the feature endpoint serves `symbol` from the cache (the decision path has run). */
export async function waitForCachedFeatures(apiUrl: string, timeoutMs = 180_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = (await fetch(`${apiUrl}/trpc/live.snapshot`).then(
      (r) => r.json(),
      () => undefined,
    )) as { result?: { data?: { symbols?: string[] } } } | undefined;
    const symbol = snapshot?.result?.data?.symbols?.[0];
    if (symbol) {
      const body = (await fetch(`${apiUrl}/api/v1/features/${symbol}/1min`).then(
        (r) => r.json(),
        () => undefined,
      )) as { metadata?: { cache_hit?: boolean } } | undefined;
      if (body?.metadata?.cache_hit) return symbol;
    }
    if (Date.now() > deadline) throw new Error("no cached features within the timeout");
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The environment without the variables that switch the platform onto real services. */
function withoutServices(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL, REDIS_URL, REDIS_NAMESPACE, KAFKA_BROKERS, ...rest } = env;
  return rest;
}
