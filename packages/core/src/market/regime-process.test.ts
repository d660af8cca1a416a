import { beforeAll, describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import {
  defaultRegimeProcessConfig,
  expectedRegimeDuration,
  type FactorSymbol,
  longRunRegimeShares,
  type MarketRegime,
  marketRegimes,
  RegimeProcess,
  type RegimeProcessConfig,
  type RegimeProcessState,
  regimeProcessConfigSchema,
  scaleRegimeProcessConfig,
  transitionMatrixPower,
} from "./regime-process";
import { correlation, mean, variance } from "./test-statistics";

const at = (m: ReadonlyArray<ReadonlyArray<number>>, i: number, j: number): number => m[i]?.[j] ?? Number.NaN;

describe("transitionMatrixPower", () => {
  it("squares a 2-state matrix as worked by hand", () => {
    // [[0.9, 0.1], [0.5, 0.5]]²: 0.81 + 0.05 = 0.86, 0.09 + 0.05 = 0.14, 0.45 + 0.25 = 0.7, 0.05 + 0.25 = 0.3.
    const p2 = transitionMatrixPower(
      [
        [0.9, 0.1],
        [0.5, 0.5],
      ],
      2,
    );
    expect(at(p2, 0, 0)).toBeCloseTo(0.86, 15);
    expect(at(p2, 0, 1)).toBeCloseTo(0.14, 15);
    expect(at(p2, 1, 0)).toBeCloseTo(0.7, 15);
    expect(at(p2, 1, 1)).toBeCloseTo(0.3, 15);
  });

  it("matches the closed form of a 2-state chain for a large power", () => {
    // P = [[1 − a, a], [b, 1 − b]]: P^k = (1/(a+b))·[[b, a], [b, a]] + ((1 − a − b)^k/(a+b))·[[a, −a], [−b, b]].
    const a = 0.003;
    const b = 0.005;
    const k = 60;
    const pk = transitionMatrixPower(
      [
        [1 - a, a],
        [b, 1 - b],
      ],
      k,
    );
    const decay = (1 - a - b) ** k / (a + b);
    expect(at(pk, 0, 0)).toBeCloseTo(b / (a + b) + decay * a, 13);
    expect(at(pk, 0, 1)).toBeCloseTo(a / (a + b) - decay * a, 13);
    expect(at(pk, 1, 0)).toBeCloseTo(b / (a + b) - decay * b, 13);
    expect(at(pk, 1, 1)).toBeCloseTo(a / (a + b) + decay * b, 13);
  });

  it("gives the identity for k = 0 and agrees with k plain multiplications for k = 7", () => {
    const p = defaultRegimeProcessConfig.transition;
    expect(transitionMatrixPower(p, 0)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    let brute = p.map((row) => [...row]);
    for (let step = 1; step < 7; step++) {
      brute = brute.map((row) => [0, 1, 2].map((j) => row.reduce((sum, x, m) => sum + x * at(p, m, j), 0)));
    }
    const fast = transitionMatrixPower(p, 7);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(at(fast, i, j)).toBeCloseTo(at(brute, i, j), 14);
  });

  it("rejects negative or fractional powers", () => {
    expect(() => transitionMatrixPower([[1]], -1)).toThrow(RangeError);
    expect(() => transitionMatrixPower([[1]], 1.5)).toThrow(RangeError);
  });
});

describe("longRunRegimeShares and expectedRegimeDuration", () => {
  it("solves the default chain as worked by hand: (14/35, 8/35, 13/35)", () => {
    // Balance for bull: 0.003·π_bull = 0.002·(π_bear + π_sideways), so π_bull = 0.4. Balance for bear:
    // 0.005·π_bear = 0.001·π_bull + 0.002·π_sideways with π_sideways = 0.6 − π_bear: π_bear = 0.0016/0.007 = 8/35.
    const shares = longRunRegimeShares(defaultRegimeProcessConfig.transition);
    expect(shares[0]).toBeCloseTo(14 / 35, 14);
    expect(shares[1]).toBeCloseTo(8 / 35, 14);
    expect(shares[2]).toBeCloseTo(13 / 35, 14);
  });

  it("gives b/(a+b), a/(a+b) for a 2-state chain and uniform shares for a doubly stochastic one", () => {
    const two = longRunRegimeShares([
      [0.7, 0.3],
      [0.1, 0.9],
    ]);
    expect(two[0]).toBeCloseTo(0.25, 14);
    expect(two[1]).toBeCloseTo(0.75, 14);
    const cyclic = longRunRegimeShares([
      [0.2, 0.8, 0],
      [0, 0.2, 0.8],
      [0.8, 0, 0.2],
    ]);
    for (const share of cyclic) expect(share).toBeCloseTo(1 / 3, 14);
  });

  it("refuses a reducible chain, whose long-run shares are not unique", () => {
    expect(() =>
      longRunRegimeShares([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ).toThrow(RangeError);
  });

  it("expects 1/(1 − p_ii) bars per visit", () => {
    const p = defaultRegimeProcessConfig.transition;
    expect(expectedRegimeDuration(p, "bull")).toBeCloseTo(1000 / 3, 9);
    expect(expectedRegimeDuration(p, "bear")).toBeCloseTo(200, 9);
    expect(expectedRegimeDuration(p, "sideways")).toBeCloseTo(250, 9);
  });
});

describe("scaleRegimeProcessConfig", () => {
  it("adds drift, adds variance and compounds the chain over k minutes", () => {
    const scaled = scaleRegimeProcessConfig(defaultRegimeProcessConfig, 5);
    expect(scaled.regimes.bull.drift).toBeCloseTo(0.0005, 15);
    expect(scaled.regimes.bear.volatility).toBeCloseTo(0.0014 * Math.sqrt(5), 15);
    expect(scaled.regimes.bear.noiseScale).toBe(1.5);
    expect(scaled.sectorVolatility).toBeCloseTo(0.0004 * Math.sqrt(5), 15);
    expect(scaled.transition).toEqual(transitionMatrixPower(defaultRegimeProcessConfig.transition, 5));
    // Staying bull for 5 minutes needs at least 0.997^5 (never leaving).
    expect(at(scaled.transition, 0, 0)).toBeGreaterThan(0.997 ** 5);
    expect(regimeProcessConfigSchema.safeParse(scaled).success).toBe(true);
  });
});

describe("regimeProcessConfigSchema", () => {
  it("accepts the defaults and rejects matrices that are not 3 x 3 row-stochastic", () => {
    expect(regimeProcessConfigSchema.safeParse(defaultRegimeProcessConfig).success).toBe(true);
    const withTransition = (transition: number[][]) =>
      regimeProcessConfigSchema.safeParse({ ...defaultRegimeProcessConfig, transition }).success;
    expect(
      withTransition([
        [0.9, 0.1, 0.1],
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ).toBe(false);
    expect(
      withTransition([
        [1.1, -0.1, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ).toBe(false);
    expect(
      withTransition([
        [0.5, 0.5],
        [0.5, 0.5],
      ]),
    ).toBe(false);
  });
});

/** A long run of the market factor alone: regime index and market log-return per bar. */
function runMarket(config: RegimeProcessConfig, seed: number, bars: number) {
  const process = RegimeProcess.create(config, [], Prng.fromSeed(seed));
  const regimes = new Uint8Array(bars);
  const returns = new Float64Array(bars);
  for (let t = 0; t < bars; t++) {
    const step = process.step();
    regimes[t] = marketRegimes.indexOf(step.regime);
    returns[t] = step.marketReturn;
  }
  return { regimes, returns };
}

describe("RegimeProcess: long-run statistics of the default chain (2,000,000 one-minute bars)", () => {
  const config = defaultRegimeProcessConfig;
  let regimes = new Uint8Array();
  let returns = new Float64Array();
  beforeAll(() => {
    ({ regimes, returns } = runMarket(config, 20240601, 2_000_000));
  });

  it.each(marketRegimes.map((name, index) => [name, index] as const))(
    "%s bars have the configured drift and volatility",
    (name, index) => {
      const sample = returns.filter((_, t) => regimes[t] === index);
      const { drift, volatility } = config.regimes[name];
      const n = sample.length;
      expect(n).toBeGreaterThan(100_000);
      // Standard errors: σ/√n for the mean, σ/√(2n) for the standard deviation of a normal sample.
      expect(Math.abs(mean(sample) - drift)).toBeLessThan((5 * volatility) / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(variance(sample)) - volatility)).toBeLessThan((5 * volatility) / Math.sqrt(2 * n));
    },
  );

  it("moves between regimes with the configured transition probabilities", () => {
    const counts = [0, 1, 2].map(() => [0, 0, 0]);
    for (let t = 0; t + 1 < regimes.length; t++) {
      const row = counts[regimes[t] ?? 0];
      const to = regimes[t + 1] ?? 0;
      if (row) row[to] = (row[to] ?? 0) + 1;
    }
    for (let i = 0; i < 3; i++) {
      const row = counts[i] ?? [];
      const total = row.reduce((a, b) => a + b, 0);
      for (let j = 0; j < 3; j++) {
        const p = at(config.transition, i, j);
        const observed = (row[j] ?? 0) / total;
        expect(Math.abs(observed - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / total));
      }
    }
  });

  it("stays in each regime 1/(1 − p_ii) bars on average", () => {
    const spells: number[][] = [[], [], []];
    let start = 0;
    for (let t = 1; t <= regimes.length; t++) {
      if (t === regimes.length || regimes[t] !== regimes[t - 1]) {
        // The first and last spells are cut short by the window: leave them out.
        if (start > 0 && t < regimes.length) spells[regimes[start] ?? 0]?.push(t - start);
        start = t;
      }
    }
    for (const [index, name] of marketRegimes.entries()) {
      const durations = spells[index] ?? [];
      const pii = at(config.transition, index, index);
      // A geometric duration on {1, 2, …} has mean 1/(1 − p) and standard deviation √p/(1 − p).
      const sd = Math.sqrt(pii) / (1 - pii);
      expect(durations.length).toBeGreaterThan(1000);
      expect(Math.abs(mean(durations) - expectedRegimeDuration(config.transition, name))).toBeLessThan(
        (5 * sd) / Math.sqrt(durations.length),
      );
    }
  });

  it("spends the long-run share of time in each regime", () => {
    const shares = longRunRegimeShares(config.transition);
    for (let i = 0; i < 3; i++) {
      const observed = regimes.filter((r) => r === i).length / regimes.length;
      // Regimes last hundreds of bars, so the effective sample is small: a loose band.
      expect(Math.abs(observed - (shares[i] ?? 0))).toBeLessThan(0.04);
    }
  });
});

const single = (regime: MarketRegime, drift: number): RegimeProcessConfig => ({
  transition: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  regimes: {
    bull: { drift, volatility: 0.001, noiseScale: 0.8 },
    bear: { drift, volatility: 0.002, noiseScale: 1.5 },
    sideways: { drift, volatility: 0.0005, noiseScale: 1 },
  },
  sectorVolatility: 0.0006,
  initialRegime: regime,
});

const factorSymbols: FactorSymbol[] = [
  { symbol: "AQA", sector: "technology", beta: 1.2, idioVolatility: 0.0008 },
  { symbol: "BQB", sector: "technology", beta: 0.8, idioVolatility: 0.001 },
  { symbol: "CQC", sector: "utilities", beta: 0.5, idioVolatility: 0.0004 },
  { symbol: "DQD", sector: "energy", beta: -0.3, idioVolatility: 0.0012 },
];

describe("RegimeProcess: cross-section within one regime", () => {
  const config = single("bear", 0.0002);
  const p = config.regimes.bear;
  const n = 200_000;
  const process = RegimeProcess.create(config, factorSymbols, Prng.fromSeed(77));
  const series = factorSymbols.map(() => new Float64Array(n));
  let otherRegimes = 0;
  beforeAll(() => {
    for (let t = 0; t < n; t++) {
      const step = process.step();
      if (step.regime !== "bear") otherRegimes++;
      series.forEach((s, i) => {
        s[t] = step.returns[i] ?? 0;
      });
    }
  });

  it("never leaves the regime when the chain cannot", () => {
    expect(otherRegimes).toBe(0);
  });
  // The model's moments, from r_i = β_i·m + s_sector + e_i with independent m, s, e.
  const sectorVar = (p.noiseScale * config.sectorVolatility) ** 2;
  const modelVariance = (s: FactorSymbol) =>
    (s.beta * p.volatility) ** 2 + sectorVar + (p.noiseScale * s.idioVolatility) ** 2;
  const modelCovariance = (a: FactorSymbol, b: FactorSymbol) =>
    a.beta * b.beta * p.volatility ** 2 + (a.sector === b.sector ? sectorVar : 0);

  it("gives each symbol mean beta·drift and the model's volatility", () => {
    factorSymbols.forEach((s, i) => {
      const sample = series[i] ?? new Float64Array();
      const sd = Math.sqrt(modelVariance(s));
      expect(process.volatility(i, "bear")).toBeCloseTo(sd, 15);
      expect(Math.abs(mean(sample) - s.beta * p.drift)).toBeLessThan((5 * sd) / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(variance(sample)) - sd)).toBeLessThan((5 * sd) / Math.sqrt(2 * n));
    });
  });

  it("correlates symbols as the factor model says: more within a sector, negatively for a negative beta", () => {
    for (let i = 0; i < factorSymbols.length; i++) {
      for (let j = i + 1; j < factorSymbols.length; j++) {
        const a = factorSymbols[i];
        const b = factorSymbols[j];
        if (!a || !b) continue;
        const rho = modelCovariance(a, b) / Math.sqrt(modelVariance(a) * modelVariance(b));
        const observed = correlation(series[i] ?? [], series[j] ?? []);
        // The standard error of a sample correlation is about (1 − ρ²)/√n.
        expect(Math.abs(observed - rho)).toBeLessThan((5 * (1 - rho * rho)) / Math.sqrt(n));
      }
    }
    // AQA/BQB share a sector; AQA/CQC do not.
    expect(correlation(series[0] ?? [], series[1] ?? [])).toBeGreaterThan(
      correlation(series[0] ?? [], series[2] ?? []),
    );
    expect(correlation(series[0] ?? [], series[3] ?? [])).toBeLessThan(0);
  });
});

describe("RegimeProcess: streams, determinism, state", () => {
  const run = (symbols: FactorSymbol[], bars: number, seed = 5) => {
    const process = RegimeProcess.create(defaultRegimeProcessConfig, symbols, Prng.fromSeed(seed));
    return Array.from({ length: bars }, () => process.step());
  };

  it("leaves every existing path unchanged when a symbol (and a sector) is added or the order changes", () => {
    const base = run(
      [factorSymbols[0], factorSymbols[1]].filter((s) => s !== undefined),
      500,
    );
    const more = run(
      [factorSymbols[3], factorSymbols[1], factorSymbols[2], factorSymbols[0]].filter((s) => s !== undefined),
      500,
    );
    base.forEach((step, t) => {
      const other = more[t];
      expect(other?.regime).toBe(step.regime);
      expect(other?.marketReturn).toBe(step.marketReturn);
      expect(other?.returns[3]).toBe(step.returns[0]);
      expect(other?.returns[1]).toBe(step.returns[1]);
    });
  });

  it("is reproducible from a seed and differs between seeds", () => {
    expect(run(factorSymbols, 50)).toEqual(run(factorSymbols, 50));
    expect(run(factorSymbols, 50, 6).map((s) => s.marketReturn)).not.toEqual(
      run(factorSymbols, 50).map((s) => s.marketReturn),
    );
  });

  it("resumes from a JSON snapshot on the same path", () => {
    const original = RegimeProcess.create(defaultRegimeProcessConfig, factorSymbols, Prng.fromSeed(9));
    for (let t = 0; t < 1234; t++) original.step();
    const saved = JSON.parse(JSON.stringify(original.snapshot())) as RegimeProcessState;
    const resumed = RegimeProcess.restore(defaultRegimeProcessConfig, factorSymbols, saved);
    for (let t = 0; t < 500; t++) expect(resumed.step()).toEqual(original.step());
  });

  it("refuses a snapshot that lacks a symbol's stream", () => {
    const saved = RegimeProcess.create(defaultRegimeProcessConfig, factorSymbols, Prng.fromSeed(9)).snapshot();
    const { AQA: _dropped, ...rest } = saved.symbols;
    expect(() => RegimeProcess.restore(defaultRegimeProcessConfig, factorSymbols, { ...saved, symbols: rest })).toThrow(
      /AQA/,
    );
  });

  it("never enters a regime that has probability 0 from the current one", () => {
    const config: RegimeProcessConfig = {
      ...defaultRegimeProcessConfig,
      transition: [
        [0.99, 0, 0.01],
        [0, 1, 0],
        [0.02, 0, 0.98],
      ],
      initialRegime: "bull",
    };
    const { regimes } = runMarket(config, 3, 100_000);
    const seen = new Set(regimes);
    expect(seen.has(marketRegimes.indexOf("bear"))).toBe(false);
    expect(seen.has(marketRegimes.indexOf("sideways"))).toBe(true);
  });
});
