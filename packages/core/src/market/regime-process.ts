import { z } from "zod";
import { Prng, type PrngState, prngStateSchema } from "../random/prng";
import type { Sector } from "./universe";

export const marketRegimes = ["bull", "bear", "sideways"] as const;
export type MarketRegime = (typeof marketRegimes)[number];

const REGIME_COUNT = marketRegimes.length;

export interface RegimeParameters {
  /** Mean of the market factor's log-return per bar. */
  readonly drift: number;
  /** Standard deviation of the market factor's log-return per bar. */
  readonly volatility: number;
  /** Multiplies every sector and idiosyncratic volatility while the regime lasts (stress spreads). */
  readonly noiseScale: number;
}

/** A 3 x 3 row-stochastic matrix over `marketRegimes` (rows: from, columns: to), per bar. */
export type RegimeTransitionMatrix = ReadonlyArray<ReadonlyArray<number>>;

export interface RegimeProcessConfig {
  readonly transition: RegimeTransitionMatrix;
  readonly regimes: Readonly<Record<MarketRegime, RegimeParameters>>;
  /** Standard deviation of each sector factor's log-return per bar, before `noiseScale`. */
  readonly sectorVolatility: number;
  /** The regime of the first bar; drawn from the chain's long-run distribution when absent (so required for a reducible chain). */
  readonly initialRegime?: MarketRegime | undefined;
}

const ROW_SUM_TOLERANCE = 1e-9;

const regimeParametersSchema = z.object({
  drift: z.number().finite().min(-0.5).max(0.5),
  volatility: z.number().finite().nonnegative().max(0.5),
  noiseScale: z.number().finite().nonnegative().max(100),
});

export const transitionMatrixSchema = z
  .array(z.array(z.number().finite().min(0).max(1)).length(REGIME_COUNT))
  .length(REGIME_COUNT)
  .refine((rows) => rows.every((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= ROW_SUM_TOLERANCE), {
    message: "every row of the transition matrix must sum to 1",
  });

export const regimeProcessConfigSchema = z.object({
  transition: transitionMatrixSchema,
  regimes: z.object({ bull: regimeParametersSchema, bear: regimeParametersSchema, sideways: regimeParametersSchema }),
  sectorVolatility: z.number().finite().nonnegative().max(0.5),
  initialRegime: z.enum(marketRegimes).optional(),
});

/**
 * Defaults for ONE-MINUTE bars. Expected regime lengths 1/(1 − p_ii): bull 333, bear 200, sideways
 * 250 bars. Drifts are far above real markets' (a bull minute here is ~+1 bp): a demo needs regimes
 * that a detector can tell apart within a few hundred bars, not a realistic Sharpe ratio.
 */
export const defaultRegimeProcessConfig: RegimeProcessConfig = {
  transition: [
    [0.997, 0.001, 0.002],
    [0.002, 0.995, 0.003],
    [0.002, 0.002, 0.996],
  ],
  regimes: {
    bull: { drift: 0.0001, volatility: 0.0007, noiseScale: 0.9 },
    bear: { drift: -0.00015, volatility: 0.0014, noiseScale: 1.5 },
    sideways: { drift: 0, volatility: 0.0004, noiseScale: 1 },
  },
  sectorVolatility: 0.0004,
};

function entry(matrix: RegimeTransitionMatrix, i: number, j: number): number {
  const value = matrix[i]?.[j];
  if (value === undefined) throw new RangeError(`transition matrix has no entry (${i}, ${j})`);
  return value;
}

/** A · B for square matrices of the same size. */
function multiply(a: RegimeTransitionMatrix, b: RegimeTransitionMatrix): number[][] {
  const n = a.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += entry(a, i, k) * entry(b, k, j);
      return sum;
    }),
  );
}

/** P^k by repeated squaring: the k-bar transition matrix of a chain whose one-bar matrix is P. */
export function transitionMatrixPower(matrix: RegimeTransitionMatrix, k: number): number[][] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`matrix power needs an integer k >= 0, got ${k}`);
  const n = matrix.length;
  let result: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  let base = matrix.map((row) => [...row]);
  for (let e = k; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = multiply(result, base);
    if (e > 1) base = multiply(base, base);
  }
  return result;
}

/**
 * The long-run share of bars spent in each regime: the π with π·P = π and Σπ = 1, solved exactly
 * (Gaussian elimination with partial pivoting on Pᵀ − I with one equation replaced by Σπ = 1).
 * Requires an irreducible chain, which is what makes π unique.
 */
export function longRunRegimeShares(matrix: RegimeTransitionMatrix): number[] {
  const n = matrix.length;
  // Augmented rows of (Pᵀ − I | 0), last row replaced by (1 … 1 | 1).
  const a = Array.from({ length: n }, (_, i) => {
    const row = Array.from({ length: n + 1 }, (_, j) => (j === n ? 0 : entry(matrix, j, i) - (i === j ? 1 : 0)));
    return i === n - 1 ? row.map(() => 1) : row;
  });
  const cell = (i: number, j: number): number => a[i]?.[j] ?? Number.NaN;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(cell(r, col)) > Math.abs(cell(pivot, col))) pivot = r;
    if (Math.abs(cell(pivot, col)) < 1e-14)
      throw new RangeError("the transition matrix is reducible: its long-run distribution is not unique");
    const pivotRow = a[pivot] ?? [];
    a[pivot] = a[col] ?? [];
    a[col] = pivotRow;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = cell(r, col) / cell(col, col);
      const row = a[r] ?? [];
      for (let j = col; j <= n; j++) row[j] = (row[j] ?? 0) - factor * cell(col, j);
    }
  }
  return Array.from({ length: n }, (_, i) => cell(i, n) / cell(i, i));
}

/** Expected number of consecutive bars in `regime` once entered: 1 / (1 − p_ii) (geometric). */
export function expectedRegimeDuration(matrix: RegimeTransitionMatrix, regime: MarketRegime): number {
  const i = marketRegimes.indexOf(regime);
  return 1 / (1 - entry(matrix, i, i));
}

/**
 * The same process observed every `minutesPerBar` minutes, from a config stated per minute: drift
 * adds up (× k), independent volatilities add in variance (× √k), and the chain's transition matrix
 * becomes P^k. The per-bar returns are then exactly those of a k-minute bar while the regime stays
 * the same, which is the common case.
 */
export function scaleRegimeProcessConfig(perMinute: RegimeProcessConfig, minutesPerBar: number): RegimeProcessConfig {
  const root = Math.sqrt(minutesPerBar);
  const scale = (p: RegimeParameters): RegimeParameters => ({
    drift: p.drift * minutesPerBar,
    volatility: p.volatility * root,
    noiseScale: p.noiseScale,
  });
  return {
    transition: transitionMatrixPower(perMinute.transition, minutesPerBar),
    regimes: {
      bull: scale(perMinute.regimes.bull),
      bear: scale(perMinute.regimes.bear),
      sideways: scale(perMinute.regimes.sideways),
    },
    sectorVolatility: perMinute.sectorVolatility * root,
    initialRegime: perMinute.initialRegime,
  };
}

/** What the factor model needs to know of a symbol, its volatility already per bar. */
export interface FactorSymbol {
  readonly symbol: string;
  readonly sector: Sector;
  readonly beta: number;
  /** Standard deviation of the symbol's own log-return noise per bar, before `noiseScale`. */
  readonly idioVolatility: number;
}

/** One bar of the factor model. `regime` and `marketReturn` are GROUND TRUTH: tests and evaluation only. */
export interface FactorStep {
  readonly regime: MarketRegime;
  readonly marketReturn: number;
  /** Log-return of each symbol, in the order the process was given them. */
  readonly returns: Float64Array;
  /** Each symbol's conditional standard deviation of log-return in this bar's regime. */
  readonly volatilities: Float64Array;
}

export const regimeProcessStateSchema = z.object({
  regime: z.enum(marketRegimes),
  market: prngStateSchema,
  sectors: z.record(z.string(), prngStateSchema),
  symbols: z.record(z.string(), prngStateSchema),
});
export type RegimeProcessState = z.infer<typeof regimeProcessStateSchema>;

interface Streams {
  readonly market: Prng;
  readonly sectors: ReadonlyMap<string, Prng>;
  readonly symbols: readonly Prng[];
}

/**
 * The market's hidden regime, a Markov chain over bull, bear and sideways, and a one-factor-plus-
 * sectors model of returns on top of it. In a bar spent in regime r:
 *
 *   market factor   m   ~ N(drift_r, volatility_r²)
 *   sector factor   s_k ~ N(0, (noiseScale_r · sectorVolatility)²)           one per sector
 *   symbol i        r_i = beta_i · m + s_sector(i) + e_i,   e_i ~ N(0, (noiseScale_r · idioVolatility_i)²)
 *
 * so symbols co-move with the market through beta and more strongly within a sector. The chain
 * moves after each bar. Each factor draws from its own fork of the seed ("market", "sector:<name>",
 * "returns:<symbol>"), so adding a symbol leaves every other path unchanged.
 */
export class RegimeProcess {
  private current: MarketRegime;
  private readonly params: readonly RegimeParameters[];
  private readonly cumulative: readonly (readonly number[])[];
  private readonly sectorNames: readonly string[];
  private readonly sectorOf: Int32Array;
  private readonly betas: Float64Array;
  private readonly idio: Float64Array;
  /** volatilityByRegime[r][i]: symbol i's conditional standard deviation in regime r. */
  private readonly volatilityByRegime: readonly Float64Array[];

  private constructor(
    private readonly config: RegimeProcessConfig,
    private readonly symbols: readonly FactorSymbol[],
    private readonly streams: Streams,
    regime: MarketRegime,
  ) {
    this.current = regime;
    this.params = marketRegimes.map((name) => config.regimes[name]);
    this.cumulative = marketRegimes.map((_, i) => {
      let sum = 0;
      return marketRegimes.map((__, j) => {
        sum += entry(config.transition, i, j);
        return sum;
      });
    });
    this.sectorNames = [...streams.sectors.keys()];
    this.sectorOf = Int32Array.from(symbols, (s) => this.sectorNames.indexOf(s.sector));
    this.betas = Float64Array.from(symbols, (s) => s.beta);
    this.idio = Float64Array.from(symbols, (s) => s.idioVolatility);
    this.volatilityByRegime = this.params.map((p) =>
      Float64Array.from(symbols, (s) =>
        Math.sqrt(
          (s.beta * p.volatility) ** 2 +
            (p.noiseScale * config.sectorVolatility) ** 2 +
            (p.noiseScale * s.idioVolatility) ** 2,
        ),
      ),
    );
  }

  /** A process at its first bar; `seed` is the simulation's root generator (only forked, never drawn from). */
  static create(config: RegimeProcessConfig, symbols: readonly FactorSymbol[], seed: Prng): RegimeProcess {
    const parsed = regimeProcessConfigSchema.parse(config);
    const market = seed.fork("market");
    const sectorNames = [...new Set(symbols.map((s) => s.sector))];
    const streams: Streams = {
      market,
      sectors: new Map(sectorNames.map((name) => [name, seed.fork(`sector:${name}`)])),
      symbols: symbols.map((s) => seed.fork(`returns:${s.symbol}`)),
    };
    const initial = parsed.initialRegime ?? drawRegime(market, longRunRegimeShares(parsed.transition));
    return new RegimeProcess(config, symbols, streams, initial);
  }

  /** A process resumed from `snapshot()`, given the same config and symbols it was created with. */
  static restore(
    config: RegimeProcessConfig,
    symbols: readonly FactorSymbol[],
    state: RegimeProcessState,
  ): RegimeProcess {
    regimeProcessConfigSchema.parse(config);
    const parsed = regimeProcessStateSchema.parse(state);
    const sectorNames = [...new Set(symbols.map((s) => s.sector))];
    const streamOf = (states: Record<string, PrngState>, name: string): Prng => {
      const saved = states[name];
      if (saved === undefined) throw new Error(`regime process state has no stream for ${name}`);
      return Prng.restore(saved);
    };
    const streams: Streams = {
      market: Prng.restore(parsed.market),
      sectors: new Map(sectorNames.map((name) => [name, streamOf(parsed.sectors, name)])),
      symbols: symbols.map((s) => streamOf(parsed.symbols, s.symbol)),
    };
    return new RegimeProcess(config, symbols, streams, parsed.regime);
  }

  snapshot(): RegimeProcessState {
    return {
      regime: this.current,
      market: this.streams.market.snapshot(),
      sectors: Object.fromEntries([...this.streams.sectors].map(([name, rng]) => [name, rng.snapshot()])),
      symbols: Object.fromEntries(this.symbols.map((s, i) => [s.symbol, this.symbolStream(i).snapshot()])),
    };
  }

  /** Symbol i's standard deviation of log-return per bar in `regime` (the model's, not an estimate). */
  volatility(symbolIndex: number, regime: MarketRegime): number {
    const value = this.volatilityByRegime[marketRegimes.indexOf(regime)]?.[symbolIndex];
    if (value === undefined) throw new RangeError(`no symbol at index ${symbolIndex}`);
    return value;
  }

  /** Draws one bar of returns in the current regime, then moves the chain. */
  step(): FactorStep {
    const regimeIndex = marketRegimes.indexOf(this.current);
    const p = this.params[regimeIndex] ?? this.config.regimes.sideways;
    const market = this.streams.market;
    const marketReturn = market.normal(p.drift, p.volatility);
    const sectorReturns = new Float64Array(this.sectorNames.length);
    let k = 0;
    for (const rng of this.streams.sectors.values())
      sectorReturns[k++] = rng.normal(0, p.noiseScale * this.config.sectorVolatility);
    const n = this.symbols.length;
    const returns = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const own = this.symbolStream(i).normal(0, p.noiseScale * (this.idio[i] ?? 0));
      returns[i] = (this.betas[i] ?? 0) * marketReturn + (sectorReturns[this.sectorOf[i] ?? 0] ?? 0) + own;
    }
    const step: FactorStep = {
      regime: this.current,
      marketReturn,
      returns,
      volatilities: (this.volatilityByRegime[regimeIndex] ?? new Float64Array(n)).slice(),
    };
    this.current = nextRegime(this.cumulative[regimeIndex] ?? [], market.next());
    return step;
  }

  private symbolStream(i: number): Prng {
    const rng = this.streams.symbols[i];
    if (rng === undefined) throw new RangeError(`no symbol at index ${i}`);
    return rng;
  }
}

/** The regime j with cumulative[j − 1] <= u < cumulative[j], for a uniform u in [0, 1). */
function nextRegime(cumulativeRow: readonly number[], u: number): MarketRegime {
  let last: MarketRegime = "sideways";
  let previous = 0;
  for (let j = 0; j < REGIME_COUNT; j++) {
    const bound = cumulativeRow[j] ?? previous;
    const regime = marketRegimes[j];
    if (regime === undefined || bound <= previous) continue;
    if (u < bound) return regime;
    last = regime;
    previous = bound;
  }
  // Rows may sum to 1 − 1e-9: a u above the total goes to the last regime that can be reached.
  return last;
}

function drawRegime(rng: Prng, shares: readonly number[]): MarketRegime {
  let sum = 0;
  return nextRegime(
    shares.map((share) => {
      sum += share;
      return sum;
    }),
    rng.next(),
  );
}
