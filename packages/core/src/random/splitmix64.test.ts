import { describe, expect, it } from "vitest";
import { SplitMix64 } from "./splitmix64";

function take(seed: bigint, count: number): bigint[] {
  const generator = new SplitMix64(seed);
  return Array.from({ length: count }, () => generator.next());
}

describe("SplitMix64", () => {
  it("matches the reference outputs for seed 1234567 (Rosetta Code, splitmix64.c)", () => {
    expect(take(1234567n, 5)).toEqual([
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
      4593380528125082431n,
      16408922859458223821n,
    ]);
  });

  it("matches rand_xoshiro's reference vector for seed 1477776061723855037", () => {
    // rust-random/rngs rand_xoshiro/src/splitmix64.rs, "produced with the reference implementation".
    expect(take(1477776061723855037n, 6)).toEqual([
      1985237415132408290n,
      2979275885539914483n,
      13511426838097143398n,
      8488337342461049707n,
      15141737807933549159n,
      17093170987380407015n,
    ]);
  });

  it("reduces the seed to its low 64 bits", () => {
    expect(take(-1n, 3)).toEqual(take((1n << 64n) - 1n, 3));
    expect(take((1n << 64n) + 1234567n, 1)).toEqual([6457827717110365317n]);
  });
});
