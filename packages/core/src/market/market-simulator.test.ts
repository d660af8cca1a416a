import { beforeAll, describe, expect, it } from "vitest";
import { barSchema } from "./bar";
import { MarketSimulator, type MarketSimulatorSnapshot, type MarketStep } from "./market-simulator";
import {
  defaultRegimeProcessConfig,
  marketRegimes,
  type RegimeProcessConfig,
  scaleRegimeProcessConfig,
} from "./regime-process";
import { correlation, mean, variance } from "./test-statistics";
import { defaultSymbols, defaultUniverse, type SymbolSpec } from "./universe";

const START = Date.UTC(2025, 0, 6, 14, 30);
const E_ABS_Z = Math.sqrt(2 / Math.PI);

/** The default process held in one regime for good (identity chain), optionally with another drift. */
function stuckIn(regime: "bull" | "bear" | "sideways", drift?: number): RegimeProcessConfig {
  const regimes = { ...defaultRegimeProcessConfig.regimes };
  regimes[regime] = { ...regimes[regime], drift: drift ?? regimes[regime].drift };
  return {
    ...defaultRegimeProcessConfig,
    regimes,
    transition: [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    initialRegime: regime,
  };
}

/** σ_i in a regime of the default per-minute config, straight from the factor model's definition. */
function modelVolatility(spec: SymbolSpec, regime: "bull" | "bear" | "sideways"): number {
  const p = defaultRegimeProcessConfig.regimes[regime];
  const sector = p.noiseScale * defaultRegimeProcessConfig.sectorVolatility;
  return Math.sqrt((spec.beta * p.volatility) ** 2 + sector ** 2 + (p.noiseScale * spec.idioVolatility) ** 2);
}

interface Run {
  /** The ground truth of each interval (the bars themselves are not kept: a million objects is slow). */
  readonly steps: Pick<MarketStep, "regime" | "marketReturn">[];
  /** returns[i][t]: log(close_t / close_{t−1}) of symbol i, the first against its base price. */
  readonly returns: Float64Array[];
  readonly volumes: Float64Array[];
  /** logRanges[i][t]: log(high_t / low_t). */
  readonly logRanges: Float64Array[];
}

function run(simulator: MarketSimulator, count: number): Run {
  const n = simulator.symbols.length;
  const returns = Array.from({ length: n }, () => new Float64Array(count));
  const volumes = Array.from({ length: n }, () => new Float64Array(count));
  const logRanges = Array.from({ length: n }, () => new Float64Array(count));
  const previous = simulator.lastCloses();
  const steps: Run["steps"] = [];
  for (const step of simulator.history(count)) {
    const t = steps.length;
    step.bars.forEach((bar, i) => {
      const series = returns[i];
      const volume = volumes[i];
      const range = logRanges[i];
      if (series) series[t] = Math.log(bar.close / (previous[i] ?? Number.NaN));
      if (volume) volume[t] = bar.volume;
      if (range) range[t] = Math.log(bar.high / bar.low);
      previous[i] = bar.close;
    });
    steps.push({ regime: step.regime, marketReturn: step.marketReturn });
  }
  return { steps, returns, volumes, logRanges };
}

describe("MarketSimulator: bars", () => {
  it("produces one valid bar per symbol per interval, stamped with its open time, in universe order", () => {
    const simulator = new MarketSimulator({ seed: 1, startTime: START });
    expect(simulator.symbols).toEqual(defaultSymbols);
    let invalid = 0;
    for (let t = 0; t < 2000; t++) {
      expect(simulator.nextBarTime).toBe(START + t * 60_000);
      const bars = simulator.nextBars();
      expect(bars.map((b) => b.symbol)).toEqual(defaultSymbols.map((s) => s.symbol));
      for (const bar of bars) {
        if (!barSchema.safeParse(bar).success || bar.time !== START + t * 60_000 || bar.timeframe !== "1min") invalid++;
        if (!Number.isInteger(bar.volume)) invalid++;
      }
    }
    expect(invalid).toBe(0);
    expect(simulator.stepCount).toBe(2000);
  });

  it("keeps prices positive even through a crash of 50,000 bars at −0.2% a minute", () => {
    const simulator = new MarketSimulator({ seed: 2, symbols: 5, startTime: 0, regime: stuckIn("bear", -0.002) });
    let invalid = 0;
    let last: MarketStep | undefined;
    for (const step of simulator.history(50_000)) {
      for (const bar of step.bars) if (!barSchema.safeParse(bar).success) invalid++;
      last = step;
    }
    expect(invalid).toBe(0);
    // log-price fell by about β·100: still a positive double (the floor is near e^−745).
    for (const bar of last?.bars ?? []) expect(bar.low).toBeGreaterThan(0);
    expect(Math.min(...(last?.bars ?? []).map((b) => b.close))).toBeLessThan(1e-20);
  });

  it("opens at the previous close plus a gap of gapRatio·σ", () => {
    const simulator = new MarketSimulator({ seed: 4, symbols: 5, startTime: 0, regime: stuckIn("bear") });
    const n = 20_000;
    const gaps = simulator.symbols.map(() => new Float64Array(n));
    let previous = simulator.lastCloses();
    let t = 0;
    for (const step of simulator.history(n)) {
      step.bars.forEach((bar, i) => {
        const g = gaps[i];
        if (g) g[t] = Math.log(bar.open / (previous[i] ?? Number.NaN));
      });
      previous = step.bars.map((bar) => bar.close);
      t++;
    }
    simulator.symbols.forEach((spec, i) => {
      const expected = simulator.barShape.gapRatio * modelVolatility(spec, "bear");
      const sample = gaps[i] ?? new Float64Array();
      expect(Math.abs(mean(sample))).toBeLessThan((5 * expected) / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(variance(sample)) - expected)).toBeLessThan((5 * expected) / Math.sqrt(2 * n));
    });
  });

  it("makes close-to-close log-returns exactly the factor model's: β = 1 and no other noise gives the market's", () => {
    const spec: SymbolSpec = { ...defaultSymbols[0], symbol: "MKTQ", beta: 1, idioVolatility: 0 } as SymbolSpec;
    const config: RegimeProcessConfig = { ...defaultRegimeProcessConfig, sectorVolatility: 0 };
    const { steps, returns } = run(
      new MarketSimulator({ seed: 3, symbols: [spec], startTime: 0, regime: config }),
      2000,
    );
    steps.forEach((step, t) => {
      expect(returns[0]?.[t]).toBeCloseTo(step.marketReturn, 12);
    });
  });
});

describe("MarketSimulator: determinism and state", () => {
  const options = { seed: 42, symbols: 12, startTime: START } as const;
  const take = (simulator: MarketSimulator, count: number) => Array.from(simulator.history(count));

  it("gives identical bars for the same seed and options, and different bars for another seed", () => {
    expect(take(new MarketSimulator(options), 300)).toEqual(take(new MarketSimulator(options), 300));
    const other = take(new MarketSimulator({ ...options, seed: 43 }), 5);
    const first = take(new MarketSimulator(options), 5);
    expect(other.map((s) => s.bars.map((b) => b.close))).not.toEqual(first.map((s) => s.bars.map((b) => b.close)));
  });

  it("leaves every symbol's bars unchanged when a symbol is added or the universe is reordered", () => {
    const base = take(new MarketSimulator({ ...options, symbols: defaultUniverse(50) }), 200);
    const extra: SymbolSpec = { ...defaultSymbols[0], symbol: "NEWQ", sector: "energy" } as SymbolSpec;
    const bigger = take(
      new MarketSimulator({ ...options, symbols: [...defaultUniverse(50)].reverse().concat(extra) }),
      200,
    );
    base.forEach((step, t) => {
      const other = bigger[t];
      expect(other?.regime).toBe(step.regime);
      step.bars.forEach((bar, i) => {
        expect(other?.bars[49 - i]).toEqual(bar);
      });
    });
  });

  it("resumes from a JSON snapshot on exactly the same path", () => {
    const original = new MarketSimulator(options);
    take(original, 137);
    const saved = JSON.parse(JSON.stringify(original.snapshot())) as MarketSimulatorSnapshot;
    const resumed = MarketSimulator.restore(saved);
    expect(resumed.stepCount).toBe(137);
    expect(resumed.nextBarTime).toBe(original.nextBarTime);
    expect(resumed.lastCloses()).toEqual(original.lastCloses());
    expect(take(resumed, 200)).toEqual(take(original, 200));
  });

  it("rejects a snapshot that is malformed or of another version", () => {
    const saved = new MarketSimulator(options).snapshot();
    expect(() => MarketSimulator.restore({ ...saved, version: 2 })).toThrow();
    expect(() => MarketSimulator.restore({ ...saved, logPrices: {} })).toThrow(/price/);
    expect(() => MarketSimulator.restore({ ...saved, steps: -1 })).toThrow();
  });

  it("produces history lazily, on the simulator's own path", () => {
    const simulator = new MarketSimulator(options);
    const twin = new MarketSimulator(options);
    const history = simulator.history(25);
    expect(simulator.stepCount).toBe(0);
    const steps = Array.from(history);
    expect(steps).toHaveLength(25);
    expect(steps).toEqual(take(twin, 25));
    // Live bars continue where the history ended.
    expect(simulator.nextBarTime).toBe(START + 25 * 60_000);
    expect(simulator.nextBars()).toEqual(twin.step().bars);
    expect(() => simulator.history(-1).next()).toThrow(RangeError);
  });

  it("validates its options", () => {
    expect(() => new MarketSimulator({ seed: 1, startTime: START + 1 })).toThrow(/multiple of the timeframe/);
    expect(() => new MarketSimulator({ seed: 1.5, startTime: START })).toThrow();
    expect(() => new MarketSimulator({ seed: 1, startTime: START, symbols: 0 })).toThrow();
    const twice = [defaultSymbols[0], defaultSymbols[0]].filter((s) => s !== undefined);
    expect(() => new MarketSimulator({ seed: 1, startTime: START, symbols: twice })).toThrow(/unique/);
    expect(() => new MarketSimulator({ seed: 1, startTime: START, barShape: { subSteps: 1 } })).toThrow();
  });

  it("scales the per-minute defaults to longer timeframes", () => {
    const simulator = new MarketSimulator({ seed: 1, symbols: 3, timeframe: "5min", startTime: 300_000 });
    expect(simulator.regimeConfig).toEqual(scaleRegimeProcessConfig(defaultRegimeProcessConfig, 5));
    const [first, second] = take(simulator, 2);
    expect(first?.bars[0]?.timeframe).toBe("5min");
    expect(second?.time).toBe(600_000);
  });
});

describe("MarketSimulator: statistics in one regime (bear, zero drift; 20,000 bars x 50 symbols)", () => {
  const shape = {
    subSteps: 6,
    gapRatio: 0,
    volumeVolatilityElasticity: 0.8,
    volumeReturnSensitivity: 0.6,
    volumeNoise: 0.3,
  };
  const simulator = new MarketSimulator({ seed: 7, startTime: 0, regime: stuckIn("bear", 0), barShape: shape });
  const n = 20_000;
  let result: Run = { steps: [], returns: [], volumes: [], logRanges: [] };
  beforeAll(() => {
    result = run(simulator, n);
  });
  const specs = defaultSymbols;

  it("gives each symbol the model's volatility", () => {
    specs.forEach((spec, i) => {
      const sd = modelVolatility(spec, "bear");
      const sample = result.returns[i] ?? new Float64Array();
      expect(Math.abs(mean(sample))).toBeLessThan((5 * sd) / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(variance(sample)) - sd)).toBeLessThan((5 * sd) / Math.sqrt(2 * n));
    });
  });

  it("correlates every pair as the factor model says", () => {
    const p = defaultRegimeProcessConfig.regimes.bear;
    const sectorVariance = (p.noiseScale * defaultRegimeProcessConfig.sectorVolatility) ** 2;
    let worst = 0;
    for (let i = 0; i < specs.length; i++) {
      for (let j = i + 1; j < specs.length; j++) {
        const a = specs[i];
        const b = specs[j];
        if (!a || !b) continue;
        const covariance = a.beta * b.beta * p.volatility ** 2 + (a.sector === b.sector ? sectorVariance : 0);
        const rho = covariance / (modelVolatility(a, "bear") * modelVolatility(b, "bear"));
        const observed = correlation(result.returns[i] ?? [], result.returns[j] ?? []);
        // In units of the sample correlation's standard error, about (1 − ρ²)/√n.
        worst = Math.max(worst, Math.abs(observed - rho) / ((1 - rho * rho) / Math.sqrt(n)));
      }
    }
    expect(worst).toBeLessThan(5);
  });

  it("spans the range a 6-step Gaussian random walk has: E[max − min] = 2σ/√(2π·6) · Σ_{j≤6} 1/√j", () => {
    // With no gap and no drift the bridge plus its normal end point is a plain random walk from the
    // open; Spitzer's identity gives E[max_{0≤j≤K} S_j] = Σ_{j=1..K} E[S_j⁺]/j = σ/√(2πK) · Σ 1/√j.
    let harmonic = 0;
    for (let j = 1; j <= 6; j++) harmonic += 1 / Math.sqrt(j);
    const expected = (2 * harmonic) / Math.sqrt(2 * Math.PI * 6);
    const ratios = specs.flatMap((spec, i) =>
      Array.from(result.logRanges[i] ?? [], (x) => x / modelVolatility(spec, "bear")),
    );
    // The range of a unit-variance walk has a standard deviation below 1: 5/√N is a generous band.
    expect(Math.abs(mean(ratios) - expected)).toBeLessThan(5 / Math.sqrt(ratios.length));
  });

  it("trades base volume · (σ_bear/σ_sideways)^0.8 on average", () => {
    specs.forEach((spec, i) => {
      const level = spec.baseVolume * (modelVolatility(spec, "bear") / modelVolatility(spec, "sideways")) ** 0.8;
      const relative = Array.from(result.volumes[i] ?? [], (v) => v / level);
      // Both random factors have mean 1; their product has a standard deviation of about 0.57.
      expect(Math.abs(mean(relative) - 1)).toBeLessThan((5 * 0.6) / Math.sqrt(n));
    });
  });

  it("correlates volume with |return| as much as the volume model implies", () => {
    // V ∝ ((1 − a) + a·|z|/m) · exp(ηε − η²/2) with z, ε ~ N(0,1) independent, m = E|z| = √(2/π):
    // corr(V, |z|) = (a/m)·Var|z| / (sd|z| · sd of the product), Var|z| = 1 − 2/π and
    // Var(product) = (1 + a²·Var|z|/m²)·e^{η²} − 1.
    const a = 0.6;
    const eta = 0.3;
    const varAbs = 1 - 2 / Math.PI;
    const sdProduct = Math.sqrt((1 + (a * a * varAbs) / (E_ABS_Z * E_ABS_Z)) * Math.exp(eta * eta) - 1);
    const expected = ((a / E_ABS_Z) * varAbs) / (Math.sqrt(varAbs) * sdProduct);
    expect(expected).toBeCloseTo(0.8027, 3);
    // A sample correlation's standard error is about (1 − ρ²)/√n (exactly so for normal pairs).
    const standardError = (1 - expected * expected) / Math.sqrt(n);
    let worst = 0;
    specs.forEach((_, i) => {
      const absReturns = Array.from(result.returns[i] ?? [], Math.abs);
      const observed = correlation(result.volumes[i] ?? [], absReturns);
      worst = Math.max(worst, Math.abs(observed - expected) / standardError);
    });
    expect(worst).toBeLessThan(5);
  });
});

describe("MarketSimulator: statistics of the default regime-switching market", () => {
  it("has the configured drift and volatility in each true regime (one symbol, 300,000 bars)", () => {
    const { steps } = run(new MarketSimulator({ seed: 11, symbols: 1, startTime: 0 }), 300_000);
    for (const name of marketRegimes) {
      const sample = steps.filter((s) => s.regime === name).map((s) => s.marketReturn);
      const { drift, volatility } = defaultRegimeProcessConfig.regimes[name];
      expect(sample.length).toBeGreaterThan(30_000);
      expect(Math.abs(mean(sample) - drift)).toBeLessThan((5 * volatility) / Math.sqrt(sample.length));
      expect(Math.abs(Math.sqrt(variance(sample)) - volatility)).toBeLessThan(
        (5 * volatility) / Math.sqrt(2 * sample.length),
      );
    }
  });

  describe("over 20,000 bars of the 50 default symbols", () => {
    let result: Run = { steps: [], returns: [], volumes: [], logRanges: [] };
    beforeAll(() => {
      result = run(new MarketSimulator({ seed: 12, startTime: START }), 20_000);
    });

    it("correlates returns more within a sector than across sectors", () => {
      const within: number[] = [];
      const across: number[] = [];
      for (let i = 0; i < defaultSymbols.length; i++) {
        for (let j = i + 1; j < defaultSymbols.length; j++) {
          const rho = correlation(result.returns[i] ?? [], result.returns[j] ?? []);
          (defaultSymbols[i]?.sector === defaultSymbols[j]?.sector ? within : across).push(rho);
        }
      }
      expect(Math.min(...across)).toBeGreaterThan(0);
      expect(mean(within)).toBeGreaterThan(mean(across) + 0.05);
    });

    it("trades more when returns are large, and more in bear markets than sideways ones", () => {
      defaultSymbols.forEach((_, i) => {
        const volumes = result.volumes[i] ?? new Float64Array();
        const absReturns = Array.from(result.returns[i] ?? [], Math.abs);
        expect(correlation(volumes, absReturns)).toBeGreaterThan(0.6);
        const inRegime = (name: string) => volumes.filter((_, t) => result.steps[t]?.regime === name);
        expect(mean(inRegime("bear"))).toBeGreaterThan(1.3 * mean(inRegime("sideways")));
      });
    });
  });
});
