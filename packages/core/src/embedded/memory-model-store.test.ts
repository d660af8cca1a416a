import { describe, expect, it } from "vitest";
import { describeModelStoreContract } from "../testing/model-store-contract";
import { ManualClock } from "./manual-clock";
import { MemoryModelStore } from "./memory-model-store";

describeModelStoreContract("MemoryModelStore", async () => ({
  store: new MemoryModelStore(),
  cleanup: async () => {},
}));

describe("MemoryModelStore", () => {
  it("stamps objects with its clock", async () => {
    const store = new MemoryModelStore({ clock: new ManualClock(1_700_000_000_000) });
    expect((await store.put("m", new Uint8Array([1]))).createdAt).toBe(1_700_000_000_000);
  });

  it("returns frozen info", async () => {
    const store = new MemoryModelStore();
    const info = await store.put("m", new Uint8Array([1]), { a: "b" });
    expect(Object.isFrozen(info)).toBe(true);
    expect(Object.isFrozen(info.metadata)).toBe(true);
  });

  it("lets exactly one of two concurrent puts with different bytes win", async () => {
    const store = new MemoryModelStore();
    const results = await Promise.allSettled([
      store.put("m", new Uint8Array([1])),
      store.put("m", new Uint8Array([2])),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
  });

  it("rejects metadata that is not a string map", async () => {
    const store = new MemoryModelStore();
    const metadata = { epochs: 10 } as unknown as Record<string, string>;
    await expect(store.put("m", new Uint8Array([1]), metadata)).rejects.toThrow();
    expect(await store.head("m")).toBeNull();
  });
});
