import type { Pingable } from "./health";

export interface StoredObjectInfo {
  readonly key: string;
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly createdAt: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Where model artefacts (ONNX bytes, checkpoints) live: a local folder in both modes today,
 * object storage later. Objects are immutable: putting different bytes under an existing key is
 * refused, putting the same bytes again is a no-op. Reads verify integrity.
 *
 * Keys are relative paths of lower-case segments: `[a-z0-9][a-z0-9._-]*` joined by `/`.
 */
export interface ModelStore extends Pingable {
  put(key: string, bytes: Uint8Array, metadata?: Readonly<Record<string, string>>): Promise<StoredObjectInfo>;
  get(key: string): Promise<Uint8Array | null>;
  head(key: string): Promise<StoredObjectInfo | null>;
  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix?: string): Promise<StoredObjectInfo[]>;
  delete(key: string): Promise<boolean>;
}

export class ModelStoreConflictError extends Error {
  constructor(readonly key: string) {
    super(`model store: ${key} already exists with different content`);
    this.name = "ModelStoreConflictError";
  }
}

export class ModelStoreIntegrityError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`model store: ${key} is corrupt (sha256 ${actual}, expected ${expected})`);
    this.name = "ModelStoreIntegrityError";
  }
}

export class InvalidModelKeyError extends Error {
  constructor(readonly key: string) {
    super(`model store: invalid key ${JSON.stringify(key)}`);
    this.name = "InvalidModelKeyError";
  }
}

const keyPattern = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

export function assertValidModelKey(key: string): void {
  if (!keyPattern.test(key) || key.split("/").some((segment) => segment === "." || segment === "..")) {
    throw new InvalidModelKeyError(key);
  }
}
