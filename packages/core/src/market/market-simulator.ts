import { z } from "zod";
import { Prng, prngStateSchema } from "../random/prng";
import { type Bar, type Timeframe, timeframeMs, timeframes } from "./bar";
import {
  defaultRegimeProcessConfig,
  type FactorSymbol,
  type MarketRegime,
  RegimeProcess,
  type RegimeProcessConfig,
  regimeProcessConfigSchema,
  regimeProcessStateSchema,
  scaleRegimeProcessConfig,
} from "./regime-process";
import { DEFAULT_SYMBOL_COUNT, defaultUniverse, MAX_SYMBOL_COUNT, type SymbolSpec, symbolSpecSchema } from "./universe";

/** How a bar is drawn around its close-to-close log-return. */
export interface BarShape {
  /** Points of the intra-bar path (a Brownian bridge from open to close) that set high and low. */
  readonly subSteps: number;
  /** Standard deviation of the previous-close-to-open gap, as a fraction of the bar's volatility. */
  readonly gapRatio: number;
  /** Volume scales with (volatility in the current regime / volatility in the sideways regime) ^ this. */
  readonly volumeVolatilityElasticity: number;
  /**
   * Weight a in [0, 1] of the bar's own move in its volume: factor (1 − a) + a·|z| / E|z|, where
   * z = log-return / volatility; its mean is 1, so it shifts volume to big bars without inflating it.
   */
  readonly volumeReturnSensitivity: number;
  /** Standard deviation of the log-normal noise on volume (mean-one noise factor). */
  readonly volumeNoise: number;
}

export const defaultBarShape: BarShape = {
  subSteps: 6,
  gapRatio: 0.15,
  volumeVolatilityElasticity: 0.8,
  volumeReturnSensitivity: 0.6,
  volumeNoise: 0.3,
};

export const barShapeSchema = z.object({
  subSteps: z.number().int().min(2).max(64),
  gapRatio: z.number().finite().min(0).max(2),
  volumeVolatilityElasticity: z.number().finite().min(0).max(5),
  volumeReturnSensitivity: z.number().finite().min(0).max(1),
  volumeNoise: z.number().finite().min(0).max(2),
});

export interface MarketSimulatorOptions {
  /** Same seed and options give the same bars, bit for bit. */
  readonly seed: number;
  /** A count of default listings (see `defaultUniverse`) or the listings themselves; default 50. */
  readonly symbols?: number | readonly SymbolSpec[];
  readonly timeframe?: Timeframe;
  /** Open time of the first bar (epoch ms), a multiple of the timeframe. */
  readonly startTime: number;
  /** The regime process PER BAR; default `defaultRegimeProcessConfig` scaled to the timeframe. */
  readonly regime?: RegimeProcessConfig;
  readonly barShape?: Partial<BarShape>;
}

/** One interval of the simulation: a bar per symbol, plus the ground truth that produced them. */
export interface MarketStep {
  /** Open time of this interval's bars. */
  readonly time: number;
  /** GROUND TRUTH, for tests, training labels and evaluating the detector; never for the live pipeline. */
  readonly regime: MarketRegime;
  /** GROUND TRUTH: the market factor's log-return over the interval. */
  readonly marketReturn: number;
  readonly bars: Bar[];
}

const seedSchema = z.number().int().refine(Number.isSafeInteger, "seed must be a safe integer");

const uniqueSymbols = (specs: readonly SymbolSpec[]): boolean =>
  new Set(specs.map((s) => s.symbol)).size === specs.length;

const optionsSchema = z
  .object({
    seed: seedSchema,
    symbols: z
      .union([
        z.number().int().min(1).max(MAX_SYMBOL_COUNT),
        z.array(symbolSpecSchema).min(1).max(MAX_SYMBOL_COUNT).refine(uniqueSymbols, "symbols must be unique"),
      ])
      .optional(),
    timeframe: z.enum(timeframes).optional(),
    startTime: z.number().int().nonnegative(),
    regime: regimeProcessConfigSchema.optional(),
    barShape: barShapeSchema.partial().optional(),
  })
  .refine((o) => o.startTime % timeframeMs[o.timeframe ?? "1min"] === 0, {
    message: "startTime must be a multiple of the timeframe",
    path: ["startTime"],
  });

export const marketSimulatorSnapshotSchema = z.object({
  version: z.literal(1),
  seed: seedSchema,
  timeframe: z.enum(timeframes),
  startTime: z.number().int().nonnegative(),
  symbols: z.array(symbolSpecSchema).min(1).max(MAX_SYMBOL_COUNT).refine(uniqueSymbols, "symbols must be unique"),
  regime: regimeProcessConfigSchema,
  barShape: barShapeSchema,
  /** Intervals produced so far. */
  steps: z.number().int().nonnegative(),
  process: regimeProcessStateSchema,
  barStreams: z.record(z.string(), prngStateSchema),
  /** Log of each symbol's last close. */
  logPrices: z.record(z.string(), z.number().finite()),
});
export type MarketSimulatorSnapshot = z.infer<typeof marketSimulatorSnapshotSchema>;

/** E|Z| for a standard normal Z. */
const MEAN_ABS_NORMAL = Math.sqrt(2 / Math.PI);

/**
 * The embedded market: a regime-switching factor model (`RegimeProcess`) turned into OHLCV bars
 * for a universe of fictional symbols. Pure and deterministic: no timers, no clock, no global
 * randomness. The caller decides when to ask for the next interval (see `pacing.ts`).
 *
 * Per symbol and interval, from log-return r and conditional volatility σ:
 *   open  = previous close · exp(g),  g ~ N(0, (gapRatio·σ)²)
 *   close = previous close · exp(r)   (so close-to-close log-returns are exactly the factor model's)
 *   high / low = extremes of open, close and a Brownian bridge from open to close (`subSteps` points)
 *   volume = baseVolume · (σ/σ_sideways)^elasticity · ((1 − a) + a·|r|/(σ·E|Z|)) · exp(η·ε − η²/2)
 * Each symbol's bar shapes draw from their own fork ("bars:<symbol>").
 */
export class MarketSimulator {
  readonly seed: number;
  readonly timeframe: Timeframe;
  readonly startTime: number;
  readonly symbols: readonly SymbolSpec[];
  readonly regimeConfig: RegimeProcessConfig;
  readonly barShape: BarShape;
  private steps = 0;
  private process: RegimeProcess;
  private barStreams: Prng[];
  private readonly factorSymbols: readonly FactorSymbol[];
  private readonly logPrices: Float64Array;
  private readonly baseVolumes: Float64Array;
  private readonly referenceVolatility: Float64Array;
  private readonly path: Float64Array;

  constructor(options: MarketSimulatorOptions) {
    const parsed = optionsSchema.parse(options);
    this.seed = parsed.seed;
    this.timeframe = parsed.timeframe ?? "1min";
    this.startTime = parsed.startTime;
    const symbols = parsed.symbols ?? DEFAULT_SYMBOL_COUNT;
    this.symbols = typeof symbols === "number" ? defaultUniverse(symbols) : symbols;
    const minutesPerBar = timeframeMs[this.timeframe] / 60_000;
    this.regimeConfig = parsed.regime ?? scaleRegimeProcessConfig(defaultRegimeProcessConfig, minutesPerBar);
    this.barShape = barShapeSchema.parse({ ...defaultBarShape, ...parsed.barShape });

    const root = Prng.fromSeed(this.seed);
    this.factorSymbols = this.symbols.map((s) => ({
      symbol: s.symbol,
      sector: s.sector,
      beta: s.beta,
      idioVolatility: s.idioVolatility * Math.sqrt(minutesPerBar),
    }));
    this.process = RegimeProcess.create(this.regimeConfig, this.factorSymbols, root);
    this.barStreams = this.symbols.map((s) => root.fork(`bars:${s.symbol}`));
    this.logPrices = Float64Array.from(this.symbols, (s) => Math.log(s.basePrice));
    this.baseVolumes = Float64Array.from(this.symbols, (s) => s.baseVolume * minutesPerBar);
    this.referenceVolatility = Float64Array.from(this.symbols, (_, i) => this.process.volatility(i, "sideways"));
    this.path = new Float64Array(this.barShape.subSteps);
  }

  /** A simulator that continues exactly where the one that took `snapshot` was. */
  static restore(snapshot: unknown): MarketSimulator {
    const saved = marketSimulatorSnapshotSchema.parse(snapshot);
    const simulator = new MarketSimulator({
      seed: saved.seed,
      symbols: saved.symbols,
      timeframe: saved.timeframe,
      startTime: saved.startTime,
      regime: saved.regime,
      barShape: saved.barShape,
    });
    simulator.resume(saved);
    return simulator;
  }

  snapshot(): MarketSimulatorSnapshot {
    return {
      version: 1,
      seed: this.seed,
      timeframe: this.timeframe,
      startTime: this.startTime,
      symbols: this.symbols.map((s) => ({ ...s })),
      regime: {
        ...this.regimeConfig,
        transition: this.regimeConfig.transition.map((row) => [...row]),
      },
      barShape: { ...this.barShape },
      steps: this.steps,
      process: this.process.snapshot(),
      barStreams: Object.fromEntries(this.symbols.map((s, i) => [s.symbol, this.barStream(i).snapshot()])),
      logPrices: Object.fromEntries(this.symbols.map((s, i) => [s.symbol, this.logPrices[i] ?? 0])),
    };
  }

  /** Intervals produced so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Open time of the bars the next `step()` produces; they are complete at `nextBarTime + timeframe`. */
  get nextBarTime(): number {
    return this.startTime + this.steps * timeframeMs[this.timeframe];
  }

  /** The last close of every symbol (the base price before the first bar), in `symbols` order. */
  lastCloses(): number[] {
    return Array.from(this.logPrices, (logPrice) => Math.exp(logPrice));
  }

  /** The next interval: one bar per symbol, in `symbols` order, with its ground truth. */
  step(): MarketStep {
    const time = this.nextBarTime;
    const factors = this.process.step();
    const bars: Bar[] = new Array(this.symbols.length);
    for (let i = 0; i < this.symbols.length; i++) {
      bars[i] = this.bar(i, time, factors.returns[i] ?? 0, factors.volatilities[i] ?? 0);
    }
    this.steps++;
    return { time, regime: factors.regime, marketReturn: factors.marketReturn, bars };
  }

  /** The next interval's bars, without the ground truth. */
  nextBars(): Bar[] {
    return this.step().bars;
  }

  /**
   * `count` consecutive intervals, produced lazily as the generator is consumed: this advances the
   * simulator itself, so a caller can draw training history and then carry on live on the same path.
   */
  *history(count: number): Generator<MarketStep, void, undefined> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`history needs a count >= 0, got ${count}`);
    for (let i = 0; i < count; i++) yield this.step();
  }

  private bar(i: number, time: number, logReturn: number, volatility: number): Bar {
    const shape = this.barShape;
    const rng = this.barStream(i);
    const previous = this.logPrices[i] ?? 0;
    const openLog = previous + shape.gapRatio * volatility * rng.normal();
    const closeLog = previous + logReturn;
    const open = Math.exp(openLog);
    const close = Math.exp(closeLog);
    let high = Math.max(open, close);
    let low = Math.min(open, close);

    // A random walk W_1..W_K with the bar's variance, pinned to the open and close:
    // B_j = open + (j/K)(close − open) + W_j − (j/K) W_K, evaluated at the interior points.
    const k = shape.subSteps;
    const path = this.path;
    const stepSd = volatility / Math.sqrt(k);
    let walk = 0;
    for (let j = 0; j < k; j++) {
      walk += rng.normal(0, stepSd);
      path[j] = walk;
    }
    const end = path[k - 1] ?? 0;
    for (let j = 1; j < k; j++) {
      const fraction = j / k;
      const price = Math.exp(openLog + fraction * (closeLog - openLog) + (path[j - 1] ?? 0) - fraction * end);
      if (price > high) high = price;
      if (price < low) low = price;
    }

    const reference = this.referenceVolatility[i] ?? 0;
    const regimeFactor = reference > 0 ? (volatility / reference) ** shape.volumeVolatilityElasticity : 1;
    const a = shape.volumeReturnSensitivity;
    const moveFactor = volatility > 0 ? 1 - a + (a * Math.abs(logReturn)) / (volatility * MEAN_ABS_NORMAL) : 1;
    const eta = shape.volumeNoise;
    const noise = Math.exp(eta * rng.normal() - (eta * eta) / 2);
    const volume = Math.round((this.baseVolumes[i] ?? 0) * regimeFactor * moveFactor * noise);

    this.logPrices[i] = closeLog;
    return { symbol: this.symbols[i]?.symbol ?? "", timeframe: this.timeframe, time, open, high, low, close, volume };
  }

  private barStream(i: number): Prng {
    const rng = this.barStreams[i];
    if (rng === undefined) throw new RangeError(`no symbol at index ${i}`);
    return rng;
  }

  private resume(saved: MarketSimulatorSnapshot): void {
    this.steps = saved.steps;
    this.process = RegimeProcess.restore(this.regimeConfig, this.factorSymbols, saved.process);
    this.barStreams = this.symbols.map((s) => {
      const state = saved.barStreams[s.symbol];
      if (state === undefined) throw new Error(`market snapshot has no bar stream for ${s.symbol}`);
      return Prng.restore(state);
    });
    this.symbols.forEach((s, i) => {
      const logPrice = saved.logPrices[s.symbol];
      if (logPrice === undefined) throw new Error(`market snapshot has no price for ${s.symbol}`);
      this.logPrices[i] = logPrice;
    });
  }
}
