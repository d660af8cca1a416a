import { z } from "zod";
import { type Clock, systemClock } from "../ports/clock";
import {
  assertValidModelKey,
  type ModelStore,
  ModelStoreConflictError,
  ModelStoreIntegrityError,
  type StoredObjectInfo,
} from "../ports/model-store";

export interface MemoryModelStoreOptions {
  /** Stamps `createdAt`. */
  readonly clock?: Clock;
}

/** Object metadata as the port types it; checked at runtime too, since callers may be untyped. */
export const modelMetadataSchema = z.record(z.string(), z.string());

interface StoredObject {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly info: StoredObjectInfo;
}

/**
 * The embedded twin of the model store, for tests: same immutability, key rules and integrity
 * check as the folder-backed store, without a disk. Bytes are copied in and out so no caller can
 * alter a stored object through a shared buffer.
 */
export class MemoryModelStore implements ModelStore {
  readonly #objects = new Map<string, StoredObject>();
  readonly #clock: Clock;

  constructor(options: MemoryModelStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async put(
    key: string,
    bytes: Uint8Array,
    metadata: Readonly<Record<string, string>> = {},
  ): Promise<StoredObjectInfo> {
    assertValidModelKey(key);
    const checkedMetadata = modelMetadataSchema.parse(metadata);
    const copy = new Uint8Array(bytes);
    const sha256 = await sha256Hex(copy);
    // Checked after the hash (an await) so two concurrent puts of one key cannot both win.
    const existing = this.#objects.get(key);
    if (existing) {
      if (existing.info.sha256 === sha256) return existing.info;
      throw new ModelStoreConflictError(key);
    }
    const info: StoredObjectInfo = Object.freeze({
      key,
      sizeBytes: copy.byteLength,
      sha256,
      createdAt: this.#clock.now(),
      metadata: Object.freeze({ ...checkedMetadata }),
    });
    this.#objects.set(key, { bytes: copy, info });
    return info;
  }

  async get(key: string): Promise<Uint8Array | null> {
    assertValidModelKey(key);
    const stored = this.#objects.get(key);
    if (!stored) return null;
    const actual = await sha256Hex(stored.bytes);
    if (actual !== stored.info.sha256) throw new ModelStoreIntegrityError(key, stored.info.sha256, actual);
    return new Uint8Array(stored.bytes);
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    assertValidModelKey(key);
    return this.#objects.get(key)?.info ?? null;
  }

  async list(prefix = ""): Promise<StoredObjectInfo[]> {
    return [...this.#objects.values()]
      .map((stored) => stored.info)
      .filter((info) => info.key.startsWith(prefix))
      .sort(compareModelKeys);
  }

  async delete(key: string): Promise<boolean> {
    assertValidModelKey(key);
    return this.#objects.delete(key);
  }

  async ping(): Promise<void> {}
}

/** Code-unit order, the same on every platform and locale (unlike localeCompare). */
export function compareModelKeys(a: Pick<StoredObjectInfo, "key">, b: Pick<StoredObjectInfo, "key">): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
