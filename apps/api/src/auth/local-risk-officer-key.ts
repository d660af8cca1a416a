import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { ApiKeyRepository, Logger } from "@tradeops/core";
import { generateApiKey } from "./api-key";
import type { ApiKeyAuthenticator } from "./authenticator";

export const localRiskOfficerEmail = "risk-officer@local.tradeops";

/**
 * Embedded mode's risk officer: on first start, a user with the risk_officer role and an API key,
 * written to `<dataDir>/risk-officer.key` (mode 0600, readable by the one who runs the platform).
 * Idempotent: a key file whose key still authenticates as a risk officer is kept. Returns the
 * file's path (logged; the key itself never is).
 */
export async function ensureLocalRiskOfficerKey(options: {
  readonly dataDir: string;
  readonly repository: ApiKeyRepository;
  readonly authenticator: ApiKeyAuthenticator;
  readonly logger: Logger;
}): Promise<string> {
  const path = join(resolve(options.dataDir), "risk-officer.key");
  const existing = await readFile(path, "utf8").then(
    (text) => text.trim(),
    () => null,
  );
  if (existing !== null) {
    const principal = await options.authenticator.authenticate(`Bearer ${existing}`).catch(() => null);
    if (principal?.role === "risk_officer") {
      await chmod(path, 0o600);
      return path;
    }
  }
  const created = generateApiKey();
  await options.repository.createKey({
    email: localRiskOfficerEmail,
    displayName: "Local risk officer",
    role: "risk_officer",
    keyName: "embedded console",
    prefix: created.prefix,
    keyHash: created.hash,
    expiresAt: null,
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${created.key}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  options.logger.info({ path }, "created the local risk officer's API key");
  return path;
}
