import { describe, expect, it } from "vitest";
import { fnv1a64 } from "./fnv1a64";

describe("fnv1a64", () => {
  // Test vectors of the FNV reference (Fowler/Noll/Vo, draft-eastlake-fnv, test_fnv.c).
  it.each([
    ["", 0xcbf29ce484222325n],
    ["a", 0xaf63dc4c8601ec8cn],
    ["foobar", 0x85944171f73967e8n],
  ])("hashes %j to the published value", (text, expected) => {
    expect(fnv1a64(text)).toBe(expected);
  });

  it("hashes the UTF-8 bytes: 'é' is c3 a9", () => {
    // Two rounds of h = (h ^ byte) * prime mod 2^64 over c3 a9, worked out step by step.
    const prime = 0x100000001b3n;
    const mod = 1n << 64n;
    const afterFirst = ((0xcbf29ce484222325n ^ 0xc3n) * prime) % mod;
    const afterSecond = ((afterFirst ^ 0xa9n) * prime) % mod;
    expect(fnv1a64("é")).toBe(afterSecond);
  });
});
