import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `tro_<8 id chars>_<43 secret chars>` (256 random bits). The first part,
 * `tro_<id>`, is the key's prefix: stored in clear to find its row. Only the SHA-256 of the whole
 * key is stored, so a database dump reveals no usable key; keys have full entropy, so a fast hash
 * is enough (no password stretching needed).
 */
const keyPattern = /^(tro_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}$/;

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface NewApiKey {
  /** The key itself: shown once, never stored. */
  readonly key: string;
  readonly prefix: string;
  /** Hex SHA-256 of `key`. */
  readonly hash: string;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The key's prefix, or null when the text is not shaped like a key. */
export function apiKeyPrefix(key: string): string | null {
  return keyPattern.exec(key)?.[1] ?? null;
}

export function generateApiKey(): NewApiKey {
  // 62 letters: bytes modulo 62 would favour some; 8 chars from rejection-sampled bytes do not.
  let id = "";
  while (id.length < 8) {
    for (const byte of randomBytes(16)) {
      if (byte < 248 && id.length < 8) id += alphanumeric[byte % 62];
    }
  }
  const prefix = `tro_${id}`;
  const key = `${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** Whether `key` hashes to `hash`, compared in constant time. */
export function apiKeyMatches(key: string, hash: string): boolean {
  const actual = Buffer.from(hashApiKey(key), "hex");
  const expected = Buffer.from(hash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
