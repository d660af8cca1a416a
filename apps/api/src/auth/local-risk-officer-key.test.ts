import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@tradeops/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueKey, MemoryApiKeyRepository } from "../testing/risk-test-kit";
import { ApiKeyAuthenticator } from "./authenticator";
import { ensureLocalRiskOfficerKey, localRiskOfficerEmail } from "./local-risk-officer-key";

let dataDir: string;
let repository: MemoryApiKeyRepository;
let authenticator: ApiKeyAuthenticator;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "risk-officer-key-"));
  repository = new MemoryApiKeyRepository();
  authenticator = new ApiKeyAuthenticator({ repository, now: Date.now, logger: silentLogger });
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const ensure = (dir = dataDir) =>
  ensureLocalRiskOfficerKey({ dataDir: dir, repository, authenticator, logger: silentLogger });

describe("ensureLocalRiskOfficerKey", () => {
  it("writes a risk officer's key readable by its owner only, which authenticates", async () => {
    const path = await ensure(join(dataDir, "nested"));
    expect(path).toBe(join(dataDir, "nested", "risk-officer.key"));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const key = (await readFile(path, "utf8")).trim();
    expect(await authenticator.authenticate(`Bearer ${key}`)).toMatchObject({
      email: localRiskOfficerEmail,
      role: "risk_officer",
    });
  });

  it("keeps a key that still works on the next start, and tightens its mode", async () => {
    const path = await ensure();
    const key = await readFile(path, "utf8");
    await chmod(path, 0o644);
    expect(await ensure()).toBe(path);
    expect(await readFile(path, "utf8")).toBe(key);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("replaces a key that no longer authenticates as a risk officer", async () => {
    const path = join(dataDir, "risk-officer.key");
    await writeFile(path, "tro_AAAAAAAA_not-a-key-that-the-database-knows-about-at-all\n");
    expect(await ensure()).toBe(path);
    const replaced = (await readFile(path, "utf8")).trim();
    expect(replaced).not.toContain("not-a-key");
    expect((await authenticator.authenticate(`Bearer ${replaced}`))?.role).toBe("risk_officer");

    const traderKey = (await issueKey(repository, "t@example.com", "trader")).key;
    await writeFile(path, `${traderKey}\n`);
    await ensure();
    expect((await readFile(path, "utf8")).trim()).not.toBe(traderKey);
  });
});
