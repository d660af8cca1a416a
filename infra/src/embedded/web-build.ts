import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const ignored = new Set(["node_modules", ".next", "dist", "test-results"]);

function collect(dir: string, files: string[]) {
  for (const entry of readdirSync(dir)) {
    if (ignored.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) collect(path, files);
    else files.push(path);
  }
}

/** A digest of everything the console's production build depends on. */
function webSourceDigest(root: string): string {
  const files: string[] = [];
  for (const dir of ["apps/web", "packages/ui/src", "packages/core/src", "apps/api/src"])
    collect(join(root, dir), files);
  files.push(join(root, "package-lock.json"));
  const hash = createHash("sha256");
  for (const file of files.sort()) {
    hash.update(relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

/**
 * Builds the console with `next build` unless the last build came from identical sources, so a
 * second start is quick and an edited page is never served stale.
 */
export function ensureWebBuild(root: string, say: (message: string) => void): void {
  const webDir = join(root, "apps", "web");
  const stamp = join(webDir, ".next", "tradeops-source-digest");
  const digest = webSourceDigest(root);
  if (existsSync(join(webDir, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest) {
    say("console build is up to date");
    return;
  }
  say("building the console (next build)…");
  const started = Date.now();
  const result = spawnSync(join(root, "node_modules", ".bin", "next"), ["build"], {
    cwd: webDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
  }
  writeFileSync(stamp, digest);
  say(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
