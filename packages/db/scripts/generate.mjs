import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `prisma generate` without network access. Prisma 7's CLI insists on locating its schema-engine
 * binary (and downloads it when missing) even though generation never runs it; pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies that check.
 */
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

const result = spawnSync(process.execPath, [prismaCli, "generate", ...process.argv.slice(2)], {
  cwd: packageDir,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});

if (result.error) throw result.error;
process.exit(result.status ?? 1);
