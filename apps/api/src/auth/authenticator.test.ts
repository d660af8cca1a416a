import { ManualClock, silentLogger } from "@tradeops/core";
import { beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../http/api-error";
import { issueKey, MemoryApiKeyRepository } from "../testing/risk-test-kit";
import { generateApiKey } from "./api-key";
import { ApiKeyAuthenticator, requireRole } from "./authenticator";

const start = Date.UTC(2026, 2, 4, 12, 0);
let clock: ManualClock;
let repository: MemoryApiKeyRepository;
let authenticator: ApiKeyAuthenticator;

beforeEach(() => {
  clock = new ManualClock(start);
  repository = new MemoryApiKeyRepository();
  authenticator = new ApiKeyAuthenticator({
    repository,
    now: () => clock.now(),
    logger: silentLogger,
    cacheMs: 10_000,
  });
});

async function refusal(header: string): Promise<ApiError> {
  const error = await authenticator.authenticate(header).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).statusCode).toBe(401);
  return error as ApiError;
}

describe("ApiKeyAuthenticator", () => {
  it("resolves a valid key to its user's principal, and no header to null", async () => {
    const { key, keyId } = await issueKey(repository, "officer@example.com", "risk_officer");
    expect(await authenticator.authenticate(`Bearer ${key}`)).toEqual({
      userId: "user-1",
      email: "officer@example.com",
      role: "risk_officer",
      keyId,
    });
    expect(await authenticator.authenticate(undefined)).toBeNull();
    expect(await authenticator.authenticate("")).toBeNull();
  });

  it("refuses a header that is not a bearer key, a malformed key and an unknown one", async () => {
    const { key } = await issueKey(repository, "a@example.com", "trader");
    expect((await refusal(`Basic ${key}`)).message).toContain("Bearer");
    expect((await refusal("Bearer not-a-key")).message).toBe("invalid API key");
    expect((await refusal(`Bearer ${generateApiKey().key}`)).message).toBe("invalid API key");
  });

  it("refuses a key whose secret part does not hash to the stored hash", async () => {
    const { key } = await issueKey(repository, "a@example.com", "trader");
    const forged = `${key.slice(0, 13)}${"A".repeat(43)}`;
    expect(forged).not.toBe(key);
    expect((await refusal(`Bearer ${forged}`)).message).toBe("invalid API key");
  });

  it("refuses an expired key, also one that expires while cached", async () => {
    const expired = await issueKey(repository, "a@example.com", "trader", start - 1);
    expect((await refusal(`Bearer ${expired.key}`)).message).toBe("API key expired");
    const soon = await issueKey(repository, "b@example.com", "trader", start + 5_000);
    expect(await authenticator.authenticate(`Bearer ${soon.key}`)).not.toBeNull();
    clock.advance(5_000);
    expect((await refusal(`Bearer ${soon.key}`)).message).toBe("API key expired");
  });

  it("refuses a revoked key once the cache lapses", async () => {
    const { key, keyId } = await issueKey(repository, "a@example.com", "trader");
    expect(await authenticator.authenticate(`Bearer ${key}`)).not.toBeNull();
    await repository.revoke(keyId, clock.now());
    clock.advance(10_000);
    expect((await refusal(`Bearer ${key}`)).message).toBe("API key revoked");
  });

  it("refuses the key of a disabled user", async () => {
    const { key } = await issueKey(repository, "gone@example.com", "risk_officer");
    repository.disableUser("gone@example.com", clock.now());
    expect((await refusal(`Bearer ${key}`)).message).toBe("user disabled");
  });

  it("asks the repository once per key within the cache time, and records use at most once a minute", async () => {
    const { key, keyId } = await issueKey(repository, "a@example.com", "trader");
    for (let i = 0; i < 5; i += 1) await authenticator.authenticate(`Bearer ${key}`);
    expect(repository.lookups).toBe(1);
    expect(repository.lastUsedAt(keyId)).toBe(start);
    clock.advance(10_000);
    await authenticator.authenticate(`Bearer ${key}`);
    expect(repository.lookups).toBe(2);
    expect(repository.lastUsedAt(keyId)).toBe(start);
    clock.advance(60_000);
    await authenticator.authenticate(`Bearer ${key}`);
    await Promise.resolve();
    expect(repository.lastUsedAt(keyId)).toBe(start + 70_000);
  });
});

describe("requireRole", () => {
  const principal = { userId: "u", email: "t@example.com", role: "trader" as const, keyId: "k" };

  it("answers 401 without a principal, 403 for another role, the principal otherwise", () => {
    expect(() => requireRole(null, ["trader"])).toThrow(expect.objectContaining({ statusCode: 401 }));
    expect(() => requireRole(principal, ["risk_officer", "admin"])).toThrow(
      expect.objectContaining({ statusCode: 403, code: "FORBIDDEN" }),
    );
    expect(requireRole(principal, ["trader", "admin"])).toBe(principal);
  });
});
