import type { ApiKeyRepository, Logger, UserRole } from "@tradeops/core";
import { ApiError } from "../http/api-error";
import { apiKeyMatches, apiKeyPrefix, hashApiKey } from "./api-key";

/** Who made a request, from a valid API key. */
export interface Principal {
  readonly userId: string;
  readonly email: string;
  readonly role: UserRole;
  readonly keyId: string;
}

export const userRoles = ["trader", "researcher", "risk_officer", "admin"] as const satisfies readonly UserRole[];

export interface ApiKeyAuthenticatorOptions {
  readonly repository: ApiKeyRepository;
  readonly now: () => number;
  readonly logger: Logger;
  /** How long a verified key is trusted without asking the database again; default 10 s. */
  readonly cacheMs?: number;
  /** `last_used_at` is written at most this often per key; default 60 s. */
  readonly touchEveryMs?: number;
}

/**
 * API-key authentication (`Authorization: Bearer <key>`): the key's prefix finds its row, the
 * SHA-256 of the key must match (compared in constant time), and the key must be neither expired
 * nor revoked, its user not disabled. A verified key is cached briefly (so a revocation takes
 * effect within `cacheMs`); `last_used_at` is updated in the background, never delaying the
 * request.
 */
export class ApiKeyAuthenticator {
  readonly #o: ApiKeyAuthenticatorOptions;
  readonly #cache = new Map<string, { principal: Principal; until: number; expiresAt: number | null }>();
  readonly #touched = new Map<string, number>();

  constructor(options: ApiKeyAuthenticatorOptions) {
    this.#o = options;
  }

  /**
   * The principal of an Authorization header; null without one. Throws ApiError 401 for a header
   * that is not a Bearer key or a key that is unknown, expired, revoked or of a disabled user.
   */
  async authenticate(header: string | undefined): Promise<Principal | null> {
    if (header === undefined || header === "") return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match?.[1];
    if (key === undefined) throw unauthorized("the Authorization header must be `Bearer <API key>`");
    const now = this.#o.now();
    const hash = hashApiKey(key);
    const cached = this.#cache.get(hash);
    if (cached !== undefined && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now)) {
      this.#touch(cached.principal.keyId, now);
      return cached.principal;
    }
    const prefix = apiKeyPrefix(key);
    if (prefix === null) throw unauthorized("invalid API key");
    const found = await this.#o.repository.findByPrefix(prefix);
    if (found === null || !apiKeyMatches(key, found.keyHash)) throw unauthorized("invalid API key");
    if (found.revokedAt !== null && found.revokedAt <= now) throw unauthorized("API key revoked");
    if (found.expiresAt !== null && found.expiresAt <= now) throw unauthorized("API key expired");
    if (found.user.disabledAt !== null && found.user.disabledAt <= now) throw unauthorized("user disabled");
    const principal: Principal = {
      userId: found.user.id,
      email: found.user.email,
      role: found.user.role,
      keyId: found.keyId,
    };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { principal, until: now + (this.#o.cacheMs ?? 10_000), expiresAt: found.expiresAt });
    this.#touch(found.keyId, now);
    return principal;
  }

  #touch(keyId: string, now: number): void {
    const last = this.#touched.get(keyId);
    if (last !== undefined && now - last < (this.#o.touchEveryMs ?? 60_000)) return;
    this.#touched.set(keyId, now);
    this.#o.repository
      .touch(keyId, now)
      .catch((error: unknown) => this.#o.logger.warn({ err: error, keyId }, "last_used_at not recorded"));
  }
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, "UNAUTHORIZED", message);
}

/** The principal when its role is one of `roles`: 401 without a principal, 403 with another role. */
export function requireRole(principal: Principal | null, roles: readonly UserRole[]): Principal {
  if (principal === null) {
    throw new ApiError(401, "UNAUTHORIZED", "this operation needs an API key (Authorization: Bearer <key>)");
  }
  if (!roles.includes(principal.role)) {
    throw new ApiError(403, "FORBIDDEN", `a ${principal.role} may not do this (needs ${roles.join(" or ")})`);
  }
  return principal;
}
