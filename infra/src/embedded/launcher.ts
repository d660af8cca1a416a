import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LauncherEnv } from "./launcher-env";
import { ManagedProcess } from "./managed-process";
import { ensureWebBuild } from "./web-build";

const colours: Record<string, string> = { postgres: "35", api: "32", web: "34", launcher: "36" };

function say(name: string, message: string) {
  process.stdout.write(`\x1b[${colours[name] ?? "37"}m[${name}]\x1b[0m ${message}\n`);
}

/**
 * Runs the whole platform on one machine with no external service: PGlite behind the Postgres
 * wire protocol, the API (hosting every worker role on the in-process bus, memory cache and local
 * queue), and the console. Stops them in reverse order so nothing is written to a closed database.
 */
export async function launch(options: { root: string; env: LauncherEnv; baseEnv: NodeJS.ProcessEnv }) {
  const { root, env } = options;
  const dataDir = resolve(root, env.TRADEOPS_DATA_DIR);
  const logDir = join(dataDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const tsx = ["--import", "tsx"];
  const processEnv = { ...options.baseEnv, LOG_LEVEL: env.LOG_LEVEL, NEXT_TELEMETRY_DISABLED: "1" };

  ensureWebBuild(root, (message) => say("launcher", message));

  const postgres = new ManagedProcess("postgres", {
    command: process.execPath,
    args: [
      ...tsx,
      join(root, "packages/db/src/embedded-postgres-main.ts"),
      "--data-dir",
      join(dataDir, "pg"),
      "--port",
      String(env.EMBEDDED_PG_PORT),
      "--host",
      "127.0.0.1",
    ],
    cwd: root,
    env: processEnv,
    logFile: join(logDir, "postgres.log"),
    echo: say,
  });
  const started: ManagedProcess[] = [];
  let stopping = false;

  const stopAll = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    say("launcher", `stopping (${reason})…`);
    for (const child of [...started].reverse()) {
      const code = await child.stop(child.name === "postgres" ? 30_000 : 15_000);
      say(child.name, `stopped${code === 0 || code === null ? "" : ` (exit ${code})`}`);
    }
    process.exit(exitCode);
  };
  let lastSignal = 0;
  const onSignal = (signal: string) => {
    const now = Date.now();
    if (stopping && now - lastSignal > 1_500) {
      say("launcher", "second stop request: killing everything now");
      for (const child of started) void child.stop(0);
      process.exit(130);
    }
    lastSignal = now;
    void stopAll(signal, 0);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  if (process.send) process.on("disconnect", () => void stopAll("parent gone", 1));

  const watch = (child: ManagedProcess) => {
    started.push(child);
    void child.exited().then((code) => {
      if (!stopping && !child.isStopping) {
        say(child.name, `exited unexpectedly (code ${code}); see ${join(logDir, `${child.name}.log`)}`);
        void stopAll(`${child.name} exited`, 1);
      }
    });
  };

  try {
    watch(postgres);
    const pg = await postgres.start(60_000);
    const databaseUrl = pg.connectionString ?? `postgresql://postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/postgres`;
    say("postgres", `PGlite serving ${databaseUrl} (data in ${join(dataDir, "pg")})`);

    const api = new ManagedProcess("api", {
      command: process.execPath,
      args: [...tsx, join(root, "apps/api/src/main.ts")],
      cwd: root,
      env: withoutServices({
        ...processEnv,
        DATABASE_URL: databaseUrl,
        API_PORT: String(env.API_PORT),
        MODEL_STORE_DIR: join(dataDir, "models"),
      }),
      logFile: join(logDir, "api.log"),
      echo: say,
    });
    watch(api);
    const apiReady = await api.start(120_000);
    say(
      "api",
      `listening on ${apiReady.url} (health: ${apiReady.url}/healthz, OpenAPI: ${apiReady.url}/api/v1/openapi.json)`,
    );

    const web = new ManagedProcess("web", {
      command: process.execPath,
      args: [...tsx, join(root, "apps/web/server.ts")],
      cwd: join(root, "apps/web"),
      env: {
        ...processEnv,
        NODE_ENV: "production",
        WEB_PORT: String(env.WEB_PORT),
        API_URL: apiReady.url ?? `http://127.0.0.1:${env.API_PORT}`,
      },
      logFile: join(logDir, "web.log"),
      echo: say,
    });
    watch(web);
    const webReady = await web.start(60_000);
    say("launcher", `\x1b[1mconsole ready: ${webReady.url}\x1b[0m  (logs in ${logDir}; Ctrl-C stops everything)`);
  } catch (error) {
    say("launcher", error instanceof Error ? error.message : String(error));
    await stopAll("start-up failed", 1);
  }
}

/** Embedded mode means no Kafka and no Redis, even when the shell has them configured. */
function withoutServices(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { KAFKA_BROKERS: _kafka, REDIS_URL: _redis, WORKER_ROLES: _roles, ...rest } = env;
  return rest;
}
