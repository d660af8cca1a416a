import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";

/**
 * Where the embedded risk officer's key is: the API writes `<data dir>/risk-officer.key` on its first
 * start in embedded mode. The data dir is the platform's `TRADEOPS_DATA_DIR` (the smoke run exports
 * it for the whole run, the browser tests included), relative to the repository like the launcher
 * reads it, `.data` by default. `E2E_RISK_OFFICER_KEY` (the key itself) or
 * `E2E_RISK_OFFICER_KEY_FILE` point elsewhere, e.g. at a platform started by hand.
 */
const env = z
  .object({
    E2E_RISK_OFFICER_KEY: z.string().min(1).optional(),
    E2E_RISK_OFFICER_KEY_FILE: z.string().min(1).optional(),
    TRADEOPS_DATA_DIR: z.string().min(1).default(".data"),
  })
  .parse(process.env);

const repositoryRoot = resolve(import.meta.dirname, "..");

function riskOfficerKeyPath(): string {
  if (env.E2E_RISK_OFFICER_KEY_FILE !== undefined) return resolve(env.E2E_RISK_OFFICER_KEY_FILE);
  const dataDir = isAbsolute(env.TRADEOPS_DATA_DIR)
    ? env.TRADEOPS_DATA_DIR
    : resolve(repositoryRoot, env.TRADEOPS_DATA_DIR);
  return join(dataDir, "risk-officer.key");
}

export async function readRiskOfficerKey(): Promise<string> {
  if (env.E2E_RISK_OFFICER_KEY !== undefined) return env.E2E_RISK_OFFICER_KEY;
  const path = riskOfficerKeyPath();
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    throw new Error(`no risk officer key at ${path} (set TRADEOPS_DATA_DIR or E2E_RISK_OFFICER_KEY_FILE)`, {
      cause: error,
    });
  });
  const key = text.trim();
  if (key === "") throw new Error(`${path} is empty`);
  return key;
}
