import { createHash, randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { link, mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  assertValidModelKey,
  type Clock,
  compareModelKeys,
  type ModelStore,
  ModelStoreConflictError,
  ModelStoreIntegrityError,
  modelMetadataSchema,
  type StoredObjectInfo,
  systemClock,
} from "@tradeops/core";
import { z } from "zod";

export interface FsModelStoreOptions {
  /** The folder holding the objects; created on first write. */
  readonly root: string;
  /** Stamps `createdAt`. */
  readonly clock?: Clock;
}

/** The sidecar that commits an object: written last, so an object without one does not exist. */
const sidecarSchema = z.object({
  format: z.literal(1),
  key: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number(),
  metadata: modelMetadataSchema,
});

/**
 * Model artefacts in a local folder. Key `a/b/model.onnx` lives in folder `a/b/` as two files:
 *
 * - `model.onnx@<sha256>.data`, the bytes, named by their digest;
 * - `model.onnx@meta.json`, the sidecar (size, digest, time, metadata).
 *
 * `@` cannot occur in a key, so key `a` (file `a@meta.json`) and key `a/b` (folder `a/`) coexist.
 *
 * Writes are atomic and the sidecar is the commit point. Each file is written to a temporary file
 * in the same folder and fsynced; the bytes are renamed into place first, then the sidecar is
 * hard-linked into place, which fails if it already exists, then the folder is fsynced. A crash
 * before the sidecar leaves only an unreferenced data file, never a visible half object; a
 * sidecar always points at complete bytes. Naming the data by digest means a writer that loses a
 * race for a key never overwrites the winner's bytes, and the exclusive link makes exactly one of
 * them win. Reads hash the bytes and compare them with the sidecar.
 */
export class FsModelStore implements ModelStore {
  readonly #root: string;
  readonly #clock: Clock;

  constructor(options: FsModelStoreOptions) {
    this.#root = resolve(options.root);
    this.#clock = options.clock ?? systemClock;
  }

  async put(
    key: string,
    bytes: Uint8Array,
    metadata: Readonly<Record<string, string>> = {},
  ): Promise<StoredObjectInfo> {
    const paths = this.#paths(key);
    const checkedMetadata = modelMetadataSchema.parse(metadata);
    const sha256 = sha256Hex(bytes);
    const existing = await this.head(key);
    if (existing) return sameOrConflict(existing, sha256);

    await mkdir(paths.folder, { recursive: true });
    const data = paths.data(sha256);
    await rename(await writeTemp(paths.folder, bytes), data);

    const info: StoredObjectInfo = {
      key,
      sizeBytes: bytes.byteLength,
      sha256,
      createdAt: this.#clock.now(),
      metadata: checkedMetadata,
    };
    const sidecar = await writeTemp(paths.folder, new TextEncoder().encode(JSON.stringify({ format: 1, ...info })));
    try {
      await link(sidecar, paths.sidecar);
    } catch (error) {
      if (!isCode(error, "EEXIST")) throw error;
      // Another writer committed this key first.
      const winner = await this.head(key);
      if (!winner) throw error;
      if (winner.sha256 !== sha256) await unlinkIfPresent(data);
      return sameOrConflict(winner, sha256);
    } finally {
      await unlinkIfPresent(sidecar);
    }
    await fsyncFolder(paths.folder);
    return freeze(info);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const paths = this.#paths(key);
    const info = await this.#readSidecar(key, paths.sidecar);
    if (!info) return null;
    let bytes: Buffer;
    try {
      bytes = await readFile(paths.data(info.sha256));
    } catch (error) {
      if (isCode(error, "ENOENT")) throw new ModelStoreIntegrityError(key, info.sha256, "missing");
      throw error;
    }
    const actual = sha256Hex(bytes);
    if (actual !== info.sha256) throw new ModelStoreIntegrityError(key, info.sha256, actual);
    return new Uint8Array(bytes);
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    return this.#readSidecar(key, this.#paths(key).sidecar);
  }

  async list(prefix = ""): Promise<StoredObjectInfo[]> {
    const sidecars: string[] = [];
    await collectSidecars(this.#root, sidecars);
    const infos = await Promise.all(
      sidecars
        .map((file) => ({ file, key: keyOf(this.#root, file) }))
        .filter(({ key }) => key.startsWith(prefix))
        .map(({ file, key }) => this.#readSidecar(key, file)),
    );
    // An object deleted while listing reads back as null and is left out.
    return infos.filter((info): info is StoredObjectInfo => info !== null).sort(compareModelKeys);
  }

  async delete(key: string): Promise<boolean> {
    const paths = this.#paths(key);
    const info = await this.#readSidecar(key, paths.sidecar);
    if (!info) return false;
    // Sidecar first: once it is gone the object no longer exists, whatever happens next.
    if (!(await unlinkIfPresent(paths.sidecar))) return false;
    await unlinkIfPresent(paths.data(info.sha256));
    await fsyncFolder(paths.folder);
    return true;
  }

  /** Proves the root is writable by writing, syncing and removing a probe file. */
  async ping(): Promise<void> {
    await mkdir(this.#root, { recursive: true });
    await unlink(await writeTemp(this.#root, new TextEncoder().encode("ping")));
  }

  #paths(key: string): { folder: string; sidecar: string; data: (sha256: string) => string } {
    assertValidModelKey(key);
    const base = resolve(this.#root, ...key.split("/"));
    // Redundant after the key check, and kept: nothing may ever resolve outside the root.
    if (!base.startsWith(this.#root + sep)) throw new Error(`model store: ${key} resolves outside the root`);
    return {
      folder: dirname(base),
      sidecar: `${base}@meta.json`,
      data: (sha256: string) => `${base}@${sha256}.data`,
    };
  }

  async #readSidecar(key: string, file: string): Promise<StoredObjectInfo | null> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if (isCode(error, "ENOENT") || isCode(error, "ENOTDIR")) return null;
      throw error;
    }
    const sidecar = sidecarSchema.parse(JSON.parse(text));
    if (sidecar.key !== key) throw new Error(`model store: sidecar ${file} describes ${sidecar.key}, not ${key}`);
    return freeze({
      key,
      sizeBytes: sidecar.sizeBytes,
      sha256: sidecar.sha256,
      createdAt: sidecar.createdAt,
      metadata: sidecar.metadata,
    });
  }
}

function sameOrConflict(existing: StoredObjectInfo, sha256: string): StoredObjectInfo {
  if (existing.sha256 === sha256) return existing;
  throw new ModelStoreConflictError(existing.key);
}

function freeze(info: StoredObjectInfo): StoredObjectInfo {
  return Object.freeze({ ...info, metadata: Object.freeze({ ...info.metadata }) });
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Writes `bytes` to a fresh temporary file in `folder`, fsynced, and returns its path. */
async function writeTemp(folder: string, bytes: Uint8Array): Promise<string> {
  const path = join(folder, `@tmp-${randomUUID()}`);
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlinkIfPresent(path);
    throw error;
  }
  await handle.close();
  return path;
}

/** Makes renames and links in `folder` durable. */
async function fsyncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isCode(error, "ENOENT")) return false;
    throw error;
  }
}

async function collectSidecars(folder: string, into: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isCode(error, "ENOENT")) return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await collectSidecars(path, into);
    else if (entry.isFile() && entry.name.endsWith("@meta.json")) into.push(path);
  }
}

function keyOf(root: string, sidecar: string): string {
  return relative(root, sidecar).slice(0, -"@meta.json".length).split(sep).join("/");
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}
