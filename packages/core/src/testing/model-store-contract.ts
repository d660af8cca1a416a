import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidModelKeyError, type ModelStore, ModelStoreConflictError } from "../ports/model-store";

export interface ModelStoreHarness {
  readonly store: ModelStore;
  /** Removes what the test stored (a temporary folder, say). */
  cleanup(): Promise<void>;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

// Reference digests from FIPS 180-2 / `printf 'abc' | sha256sum`, not from the code under test.
const sha256OfAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const sha256OfEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * The behaviour every ModelStore must show, run against the in-memory twin and the folder-backed
 * store so the two cannot drift apart. Each test gets a fresh, empty store from `factory`.
 */
export function describeModelStoreContract(name: string, factory: () => Promise<ModelStoreHarness>): void {
  describe(`ModelStore contract: ${name}`, () => {
    let harness: ModelStoreHarness | undefined;

    const store = (): ModelStore => {
      if (!harness) throw new Error("harness not created");
      return harness.store;
    };

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      const current = harness;
      harness = undefined;
      if (current) await current.cleanup();
    });

    it("stores bytes and reports their size, digest and metadata", async () => {
      const before = Date.now();
      const info = await store().put("regime/hmm/v1/model.onnx", utf8("abc"), {
        framework: "onnx",
        trainedOn: "2024-01",
      });
      expect(info).toMatchObject({
        key: "regime/hmm/v1/model.onnx",
        sizeBytes: 3,
        sha256: sha256OfAbc,
        metadata: { framework: "onnx", trainedOn: "2024-01" },
      });
      expect(info.createdAt).toBeGreaterThanOrEqual(before - 1_000);
      expect(await store().head("regime/hmm/v1/model.onnx")).toEqual(info);
      expect(await store().get("regime/hmm/v1/model.onnx")).toEqual(utf8("abc"));
    });

    it("stores an empty object", async () => {
      const info = await store().put("empty.bin", new Uint8Array(0));
      expect(info).toMatchObject({ sizeBytes: 0, sha256: sha256OfEmpty, metadata: {} });
      expect(await store().get("empty.bin")).toEqual(new Uint8Array(0));
    });

    it("round-trips a large binary object byte for byte", async () => {
      const bytes = new Uint8Array(5 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2_654_435_761) >>> 24;
      const info = await store().put("specialists/trend/v3/weights.bin", bytes);
      expect(info.sizeBytes).toBe(bytes.length);
      const read = await store().get("specialists/trend/v3/weights.bin");
      expect(read?.length).toBe(bytes.length);
      // A plain loop: a deep equality over five million elements takes the matcher many seconds.
      let firstDifference = -1;
      for (let i = 0; i < bytes.length; i++) {
        if (read?.[i] !== bytes[i]) {
          firstDifference = i;
          break;
        }
      }
      expect(firstDifference).toBe(-1);
    });

    it("returns null for an absent key", async () => {
      expect(await store().get("absent/model.onnx")).toBeNull();
      expect(await store().head("absent/model.onnx")).toBeNull();
    });

    it("treats putting the same bytes again as a no-op returning the original", async () => {
      const first = await store().put("m/v1.onnx", utf8("abc"), { run: "first" });
      const again = await store().put("m/v1.onnx", utf8("abc"), { run: "second" });
      expect(again).toEqual(first);
      expect((await store().head("m/v1.onnx"))?.metadata).toEqual({ run: "first" });
    });

    it("refuses different bytes under an existing key and keeps the original", async () => {
      await store().put("m/v1.onnx", utf8("abc"));
      await expect(store().put("m/v1.onnx", utf8("abd"))).rejects.toBeInstanceOf(ModelStoreConflictError);
      expect(await store().get("m/v1.onnx")).toEqual(utf8("abc"));
    });

    it("is not affected by callers mutating buffers after put or get", async () => {
      const input = utf8("abc");
      await store().put("m/v1.onnx", input);
      input[0] = 0x7a;
      const read = await store().get("m/v1.onnx");
      if (read) read[1] = 0x7a;
      expect(await store().get("m/v1.onnx")).toEqual(utf8("abc"));
    });

    it("keeps a key and the keys beneath it apart", async () => {
      await store().put("a", utf8("parent"));
      await store().put("a/b", utf8("child"));
      await store().put("a.b", utf8("sibling"));
      expect(await store().get("a")).toEqual(utf8("parent"));
      expect(await store().get("a/b")).toEqual(utf8("child"));
      expect(await store().get("a.b")).toEqual(utf8("sibling"));
    });

    it("lists objects sorted by key, filtered by prefix", async () => {
      for (const key of ["b/2", "a/2", "a/10", "ab", "a/1", "a/sub/x"]) await store().put(key, utf8(key));
      expect((await store().list()).map((info) => info.key)).toEqual(["a/1", "a/10", "a/2", "a/sub/x", "ab", "b/2"]);
      expect((await store().list("a/")).map((info) => info.key)).toEqual(["a/1", "a/10", "a/2", "a/sub/x"]);
      expect((await store().list("a")).map((info) => info.key)).toEqual(["a/1", "a/10", "a/2", "a/sub/x", "ab"]);
      expect((await store().list("a/1")).map((info) => info.key)).toEqual(["a/1", "a/10"]);
      expect(await store().list("zzz")).toEqual([]);
      const [first] = await store().list("b/");
      expect(first).toMatchObject({ key: "b/2", sizeBytes: 3 });
    });

    it("lists nothing outside the store for a prefix that tries to escape it", async () => {
      await store().put("a/1", utf8("x"));
      expect(await store().list("../")).toEqual([]);
      expect(await store().list("/")).toEqual([]);
    });

    it("deletes an object, reporting whether it existed, after which the key is free again", async () => {
      await store().put("m/v1.onnx", utf8("abc"));
      expect(await store().delete("m/v1.onnx")).toBe(true);
      expect(await store().get("m/v1.onnx")).toBeNull();
      expect(await store().head("m/v1.onnx")).toBeNull();
      expect(await store().list()).toEqual([]);
      expect(await store().delete("m/v1.onnx")).toBe(false);
      const replaced = await store().put("m/v1.onnx", utf8("new"));
      expect(replaced.sizeBytes).toBe(3);
      expect(await store().get("m/v1.onnx")).toEqual(utf8("new"));
    });

    it.each([
      "",
      "../escape",
      "a/../../escape",
      "/absolute",
      "a//b",
      "a/",
      "Upper",
      ".hidden",
      "a/./b",
      "a\\b",
      "a b",
      "naïve",
    ])("rejects the key %j everywhere", async (key) => {
      await expect(store().put(key, utf8("x"))).rejects.toBeInstanceOf(InvalidModelKeyError);
      await expect(store().get(key)).rejects.toBeInstanceOf(InvalidModelKeyError);
      await expect(store().head(key)).rejects.toBeInstanceOf(InvalidModelKeyError);
      await expect(store().delete(key)).rejects.toBeInstanceOf(InvalidModelKeyError);
    });

    it("answers ping", async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
  });
}
