import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey } from "./partitioner";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("murmur2", () => {
  // Apache Kafka's own vectors: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java#testMurmur2.
  it.each([
    ["21", -973932308],
    ["foobar", -790332482],
    ["a-little-bit-long-string", -985981536],
    ["a-little-bit-longer-string", -1486304829],
    ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ["abc", 479470107],
  ])("hashes %j as Kafka's Utils.murmur2 does", (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  // Values Akka's Kafka-compatible sharding tests pin against the same Java implementation; they
  // cover every tail length (1, 2, 3 and 0 bytes past a 4-byte block).
  it.each([
    ["1", -1993445489],
    ["12", 126087238],
    ["123", -267702483],
    ["1234", -1614185708],
    ["12345", -1188365604],
  ])("hashes %j like the Java client", (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  it("hashes a view into a larger buffer by its own bytes only", () => {
    const backing = bytes("xxfoobaryy");
    expect(murmur2(backing.subarray(2, 8))).toBe(-790332482);
  });
});

describe("partitionForKey", () => {
  it("takes the positive part of the hash modulo the partition count", () => {
    // -790332482 & 0x7fffffff = 2^31 - 790332482 = 1357151166 = 12 * 113095930 + 6
    expect(partitionForKey("foobar", 12)).toBe(6);
    // -973932308 & 0x7fffffff = 1173551340 = 3 * 391183780 + 0
    expect(partitionForKey("21", 3)).toBe(0);
    // 479470107 is already positive: 479470107 = 7 * 68495729 + 4
    expect(partitionForKey("abc", 7)).toBe(4);
  });

  it("puts every key on partition 0 of a single-partition topic", () => {
    for (const key of ["", "AAPL", "€uro", "a-little-bit-long-string"]) expect(partitionForKey(key, 1)).toBe(0);
  });

  it("hashes the UTF-8 encoding, not UTF-16 code units", () => {
    // "é" is two UTF-8 bytes (c3 a9); hashing its UTF-16 code unit would give a 1-byte input.
    expect(partitionForKey("é", 1_000_003)).toBe((murmur2(Uint8Array.of(0xc3, 0xa9)) & 0x7fffffff) % 1_000_003);
    expect(murmur2(Uint8Array.of(0xc3, 0xa9))).not.toBe(murmur2(Uint8Array.of(0xe9)));
  });

  it("spreads keys over all partitions", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(partitionForKey(`SYM${i}`, 12));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects %s partitions", (partitions) => {
    expect(() => partitionForKey("k", partitions)).toThrow(RangeError);
  });
});
