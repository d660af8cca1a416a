import { describe, expect, it } from "vitest";
import { stationaryDistribution } from "./markov-chain";

describe("stationaryDistribution", () => {
  it("matches the two-state closed form [b, a] / (a + b)", () => {
    const a = 0.03;
    const b = 0.12;
    const pi = stationaryDistribution([
      [1 - a, a],
      [b, 1 - b],
    ]);
    expect(pi[0]).toBeCloseTo(b / (a + b), 12);
    expect(pi[1]).toBeCloseTo(a / (a + b), 12);
  });

  it("solves a hand-checked birth-death chain: [1/4, 1/2, 1/4]", () => {
    const pi = stationaryDistribution([
      [0.5, 0.5, 0],
      [0.25, 0.5, 0.25],
      [0, 0.5, 0.5],
    ]);
    expect(pi[0]).toBeCloseTo(0.25, 12);
    expect(pi[1]).toBeCloseTo(0.5, 12);
    expect(pi[2]).toBeCloseTo(0.25, 12);
  });

  it("converges for a periodic chain, where plain power iteration would oscillate", () => {
    const pi = stationaryDistribution([
      [0, 1],
      [1, 0],
    ]);
    expect(pi[0]).toBeCloseTo(0.5, 12);
    expect(pi[1]).toBeCloseTo(0.5, 12);
  });

  it("handles very persistent chains", () => {
    const pi = stationaryDistribution([
      [0.9999, 0.0001],
      [0.0003, 0.9997],
    ]);
    expect(pi[0]).toBeCloseTo(0.75, 10);
  });
});
