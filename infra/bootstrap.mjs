// The README's two commands land here: `npm start` and `npm test`. Plain Node with no
// dependencies, because on a fresh clone nothing is installed yet: it installs (npm ci) when
// node_modules is missing or older than package-lock.json, then hands over.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ONNXRUNTIME_NODE_INSTALL: "skip" };

function say(message) {
  process.stdout.write(`\x1b[36m[tradeops]\x1b[0m ${message}\n`);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    say(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function ensureInstalled() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    say(`Node.js >= 20.19 is required (this is ${process.versions.node})`);
    process.exit(1);
  }
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
    say("installing dependencies (npm ci)…");
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  } else if (!existsSync(join(root, "packages", "db", "src", "generated", "prisma", "client.ts"))) {
    run("npm", ["run", "generate", "-w", "@tradeops/db"]);
  }
}

/**
 * Runs the launcher in its own process group and relays a stop request to it exactly once: the
 * terminal's Ctrl-C reaches npm and this process together (npm relays it too), and a duplicate
 * would read as "stop now" instead of "stop cleanly". A second Ctrl-C after a pause is relayed.
 */
function superviseLauncher(args) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    detached: true,
  });
  let lastRelay = 0;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      const now = Date.now();
      if (now - lastRelay < 1_500) return;
      lastRelay = now;
      child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
    });
  }
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Runs a child in the foreground; the terminal's Ctrl-C reaches it directly. */
function runForeground(command, args) {
  const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => {});
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const command = process.argv[2];
ensureInstalled();
if (command === "start") {
  superviseLauncher([
    "--import",
    "tsx",
    join(root, "infra", "src", "embedded", "launcher-main.ts"),
    ...process.argv.slice(3),
  ]);
} else if (command === "test") {
  runForeground(join(root, "node_modules", ".bin", "vitest"), ["run", ...process.argv.slice(3)]);
} else {
  say(`unknown command ${command ?? "(none)"}; expected start or test`);
  process.exit(2);
}
