import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock, ModelStoreConflictError, ModelStoreIntegrityError } from "@tradeops/core";
import { describeModelStoreContract } from "@tradeops/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { FsModelStore } from "./fs-model-store";

async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), "tradeops-models-"));
}

describeModelStoreContract("FsModelStore", async () => {
  // A folder inside the temp folder, so the store's own "create the root" path is exercised.
  const parent = await tempRoot();
  return {
    store: new FsModelStore({ root: join(parent, "models") }),
    cleanup: () => rm(parent, { recursive: true, force: true }),
  };
});

describe("FsModelStore", () => {
  const roots: string[] = [];

  afterEach(async () => {
    await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
  });

  async function setUp(): Promise<{ root: string; store: FsModelStore }> {
    const root = await tempRoot();
    roots.push(root);
    return { root, store: new FsModelStore({ root }) };
  }

  const bytes = new TextEncoder().encode("model bytes");

  it("lays an object out as a digest-named data file and a sidecar, and nothing else", async () => {
    const { root, store } = await setUp();
    const info = await store.put("regime/v1/model.onnx", bytes, { note: "x" });
    expect((await readdir(join(root, "regime", "v1"))).sort()).toEqual(
      [`model.onnx@${info.sha256}.data`, "model.onnx@meta.json"].sort(),
    );
    const sidecar = JSON.parse(await readFile(join(root, "regime", "v1", "model.onnx@meta.json"), "utf8"));
    expect(sidecar).toEqual({ format: 1, ...info });
  });

  it("reads back what another instance on the same folder wrote", async () => {
    const { root, store } = await setUp();
    const info = await store.put("m.onnx", bytes);
    const other = new FsModelStore({ root });
    expect(await other.head("m.onnx")).toEqual(info);
    expect(await other.get("m.onnx")).toEqual(bytes);
  });

  it("stamps objects with its clock", async () => {
    const root = await tempRoot();
    roots.push(root);
    const store = new FsModelStore({ root, clock: new ManualClock(1_700_000_000_000) });
    expect((await store.put("m", bytes)).createdAt).toBe(1_700_000_000_000);
  });

  it("detects bytes altered on disk", async () => {
    const { root, store } = await setUp();
    const info = await store.put("m.onnx", bytes);
    await writeFile(join(root, `m.onnx@${info.sha256}.data`), "tampered bytes");
    const error = await store.get("m.onnx").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelStoreIntegrityError);
    expect(error).toMatchObject({ key: "m.onnx", expected: info.sha256 });
  });

  it("detects bytes missing on disk", async () => {
    const { root, store } = await setUp();
    const info = await store.put("m.onnx", bytes);
    await rm(join(root, `m.onnx@${info.sha256}.data`));
    await expect(store.get("m.onnx")).rejects.toBeInstanceOf(ModelStoreIntegrityError);
  });

  it("ignores the leftovers of a write that crashed before its sidecar", async () => {
    const { root, store } = await setUp();
    // What a crash between the data rename and the sidecar link leaves behind, plus a temp file.
    await writeFile(join(root, `m.onnx@${"0".repeat(64)}.data`), "half-finished");
    await writeFile(join(root, "@tmp-crashed"), "partial");
    expect(await store.head("m.onnx")).toBeNull();
    expect(await store.list()).toEqual([]);
    const info = await store.put("m.onnx", bytes);
    expect(await store.get("m.onnx")).toEqual(bytes);
    expect(await store.list()).toEqual([info]);
  });

  it("lets exactly one of many concurrent writers of a key win, leaving its bytes intact", async () => {
    const { root, store } = await setUp();
    const writers = Array.from({ length: 8 }, (_, n) =>
      new FsModelStore({ root }).put("race.onnx", new TextEncoder().encode(`contender ${n}`)),
    );
    const results = await Promise.allSettled(writers);
    const winners = results.filter((result) => result.status === "fulfilled");
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect(result.reason).toBeInstanceOf(ModelStoreConflictError);
    }
    const read = await store.get("race.onnx");
    expect(new TextDecoder().decode(read ?? new Uint8Array())).toMatch(/^contender \d$/);
    // Losers removed their data files: only the winner's bytes and sidecar remain.
    expect(await readdir(root)).toHaveLength(2);
  });

  it("agrees when concurrent writers put identical bytes", async () => {
    const { root } = await setUp();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => new FsModelStore({ root }).put("same.onnx", bytes)),
    );
    expect(new Set(results.map((info) => info.createdAt)).size).toBe(1);
  });

  it("ping fails when the root cannot be written", async () => {
    const { root } = await setUp();
    const file = join(root, "not-a-folder");
    await writeFile(file, "");
    await expect(new FsModelStore({ root: file }).ping()).rejects.toThrow();
    await expect(new FsModelStore({ root }).ping()).resolves.toBeUndefined();
    expect(await readdir(root)).toEqual(["not-a-folder"]);
  });
});
