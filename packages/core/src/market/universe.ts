import { z } from "zod";
import { Prng } from "../random/prng";

export const sectors = [
  "technology",
  "healthcare",
  "financials",
  "energy",
  "consumer",
  "industrials",
  "utilities",
  "materials",
] as const;
export type Sector = (typeof sectors)[number];

/**
 * One simulated listing. Rates are per ONE MINUTE whatever timeframe is simulated (the simulator
 * scales them): `idioVolatility` is the standard deviation of the symbol's own log-return noise in
 * the reference regime, `baseVolume` the shares traded in a typical minute.
 */
export interface SymbolSpec {
  readonly symbol: string;
  readonly name: string;
  readonly sector: Sector;
  /** Sensitivity of the symbol's log-return to the market factor's. */
  readonly beta: number;
  readonly idioVolatility: number;
  /** Price before the first simulated bar. */
  readonly basePrice: number;
  readonly baseVolume: number;
}

export const symbolSpecSchema = z.object({
  symbol: z.string().regex(/^[A-Z][A-Z0-9.-]{0,15}$/, "a ticker of capitals, digits, '.' or '-'"),
  name: z.string().min(1),
  sector: z.enum(sectors),
  beta: z.number().finite().min(-5).max(5),
  idioVolatility: z.number().finite().nonnegative().max(0.1),
  basePrice: z.number().finite().positive(),
  baseVolume: z.number().finite().positive(),
});

export const DEFAULT_SYMBOL_COUNT = 50;
/** Far beyond "a few hundred", still small enough that one step stays well under a millisecond. */
export const MAX_SYMBOL_COUNT = 1000;

type Row = readonly [
  symbol: string,
  name: string,
  sector: Sector,
  beta: number,
  idioVol: number,
  price: number,
  volume: number,
];

/*
 * Fictional companies. The tickers are deliberately built around Q, X and Z so they do not read as
 * (and, as far as we know, are not) the tickers of real listed companies.
 */
const ROWS: readonly Row[] = [
  ["QVXL", "Quovexal Systems", "technology", 1.35, 0.0011, 182.4, 24_000],
  ["ZENQ", "Zenqor Networks", "technology", 1.4, 0.0012, 64.15, 18_500],
  ["KYTQ", "Kytriq Semiconductor", "technology", 1.55, 0.0013, 241.8, 15_200],
  ["VXON", "Vexon Cloud", "technology", 1.3, 0.001, 97.3, 21_000],
  ["ORQD", "Orquid Software", "technology", 1.25, 0.00095, 138.9, 12_400],
  ["LUMQ", "Lumiq Devices", "technology", 1.2, 0.0009, 45.6, 30_500],
  ["NYXQ", "Nyxqa Data", "technology", 1.45, 0.0012, 312.05, 9_800],
  ["HLVX", "Helivax Therapeutics", "healthcare", 0.95, 0.0012, 38.75, 16_300],
  ["CURQ", "Curaquin Labs", "healthcare", 0.85, 0.0009, 121.3, 11_200],
  ["MDZQ", "Medzeq Health", "healthcare", 0.8, 0.0007, 88.4, 13_900],
  ["BIQZ", "Bioqaze Genomics", "healthcare", 1.1, 0.0014, 22.9, 27_600],
  ["OSQV", "Osqiva Medical", "healthcare", 0.75, 0.0007, 156.2, 7_400],
  ["VTQL", "Vitaquil Pharma", "healthcare", 0.8, 0.0008, 73.55, 14_800],
  ["FNQR", "Finqor Bancorp", "financials", 1.1, 0.0007, 54.2, 26_100],
  ["KAPQ", "Kapiqa Capital", "financials", 1.25, 0.0008, 118.7, 12_900],
  ["LDQX", "Ledqex Financial", "financials", 1.15, 0.00075, 41.3, 19_700],
  ["TRVQ", "Trevique Insurance", "financials", 0.9, 0.0006, 203.5, 6_900],
  ["BNKZ", "Bankzen Holdings", "financials", 1.05, 0.0007, 36.85, 33_400],
  ["ZQSV", "Zequis Asset Management", "financials", 1.3, 0.0009, 92.1, 10_600],
  ["MRQB", "Marqueb Bank", "financials", 1.1, 0.00065, 67.4, 17_300],
  ["PTRZ", "Petrazon Energy", "energy", 1.1, 0.001, 84.6, 22_800],
  ["SQLX", "Soliqux Power", "energy", 1.3, 0.0012, 29.75, 28_900],
  ["GZFQ", "Gazfiq Resources", "energy", 1.0, 0.0009, 58.3, 15_600],
  ["WDXQ", "Windaxq Renewables", "energy", 1.25, 0.0013, 19.4, 31_200],
  ["DRLQ", "Drillquest Services", "energy", 1.2, 0.0011, 47.9, 13_100],
  ["FLXQ", "Fluxiq Pipelines", "energy", 0.8, 0.0007, 71.2, 9_900],
  ["BRVQ", "Bravique Brands", "consumer", 0.9, 0.0007, 143.6, 11_800],
  ["SNKZ", "Snackzo Foods", "consumer", 0.6, 0.0005, 62.35, 14_200],
  ["LUXQ", "Luxquill Apparel", "consumer", 1.15, 0.0009, 95.8, 10_300],
  ["GRQO", "Groqo Markets", "consumer", 0.7, 0.0006, 51.45, 20_700],
  ["TVQX", "Traveqx Leisure", "consumer", 1.3, 0.001, 33.2, 23_500],
  ["HMZY", "Homezy Retail", "consumer", 1.0, 0.0008, 79.9, 16_900],
  ["DNRQ", "Dinerique Restaurants", "consumer", 0.95, 0.0007, 118.25, 8_600],
  ["FRGQ", "Forgeq Industries", "industrials", 1.1, 0.0007, 134.7, 9_400],
  ["AXLQ", "Axelquad Aerospace", "industrials", 1.2, 0.0008, 221.3, 7_100],
  ["RLZQ", "Railzeq Logistics", "industrials", 1.0, 0.0006, 88.95, 12_600],
  ["MCHZ", "Machzen Tooling", "industrials", 1.15, 0.0008, 57.6, 15_300],
  ["CNVQ", "Conveqa Automation", "industrials", 1.25, 0.0009, 104.4, 10_800],
  ["BLDZ", "Buildzo Construction", "industrials", 1.05, 0.0008, 43.1, 19_200],
  ["GRDQ", "Gridquell Utilities", "utilities", 0.45, 0.0005, 61.8, 13_500],
  ["WTRZ", "Waterzon Services", "utilities", 0.4, 0.00045, 92.7, 8_200],
  ["VLTQ", "Voltique Electric", "utilities", 0.55, 0.0005, 48.35, 17_400],
  ["PWQN", "Powerquin Grid", "utilities", 0.5, 0.0005, 35.9, 21_900],
  ["HYDQ", "Hydroquay Power", "utilities", 0.5, 0.00055, 74.25, 11_000],
  ["MTLQ", "Metalquest Mining", "materials", 1.2, 0.0011, 39.6, 24_300],
  ["CHMZ", "Chemzora Materials", "materials", 1.0, 0.0008, 112.8, 9_700],
  ["SLQX", "Silqex Minerals", "materials", 1.1, 0.001, 27.45, 26_800],
  ["TMBQ", "Timberquay Products", "materials", 0.9, 0.0008, 66.1, 10_900],
  ["ALQY", "Alloyquin Metals", "materials", 1.15, 0.0009, 53.7, 15_800],
  ["PLYZ", "Polyzen Plastics", "materials", 0.95, 0.0007, 84.2, 12_200],
];

/** The 50 default listings: every sector has 5 to 7 of them. */
export const defaultSymbols: readonly SymbolSpec[] = ROWS.map(
  ([symbol, name, sector, beta, idioVolatility, basePrice, baseVolume]) => ({
    symbol,
    name,
    sector,
    beta,
    idioVolatility,
    basePrice,
    baseVolume,
  }),
);

/** Typical beta and own volatility per sector, for listings generated past the default 50. */
const SECTOR_PROFILE: Readonly<Record<Sector, { beta: number; idioVolatility: number; suffix: string }>> = {
  technology: { beta: 1.3, idioVolatility: 0.001, suffix: "Technologies" },
  healthcare: { beta: 0.85, idioVolatility: 0.0009, suffix: "Health" },
  financials: { beta: 1.1, idioVolatility: 0.0007, suffix: "Financial" },
  energy: { beta: 1.1, idioVolatility: 0.001, suffix: "Energy" },
  consumer: { beta: 0.9, idioVolatility: 0.0007, suffix: "Brands" },
  industrials: { beta: 1.1, idioVolatility: 0.0007, suffix: "Industries" },
  utilities: { beta: 0.5, idioVolatility: 0.0005, suffix: "Utilities" },
  materials: { beta: 1.05, idioVolatility: 0.0008, suffix: "Materials" },
};

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const RARE_LETTERS = "QXZJ";
/** Fixed, so the generated listings are the same for every simulation seed. */
const GENERATED_UNIVERSE_SEED = 0x5eed_0001;

function pick(rng: Prng, alphabet: string): string {
  return alphabet.charAt(rng.int(alphabet.length));
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function logUniform(rng: Prng, low: number, high: number): number {
  return Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * rng.next());
}

/**
 * The default universe of `count` listings: the fixed 50 first, then listings generated from a
 * fixed seed, one after another, so universe(n) is always a prefix of universe(n + k). Generated
 * tickers are four capitals with Q, X, Z or J second, sectors go round-robin.
 */
export function defaultUniverse(count: number = DEFAULT_SYMBOL_COUNT): SymbolSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SYMBOL_COUNT) {
    throw new RangeError(`a universe has 1 to ${MAX_SYMBOL_COUNT} symbols, got ${count}`);
  }
  const universe = defaultSymbols.slice(0, count);
  const taken = new Set(defaultSymbols.map((spec) => spec.symbol));
  const rng = Prng.fromSeed(GENERATED_UNIVERSE_SEED).fork("generated-symbols");
  for (let index = universe.length; index < count; index++) {
    let symbol: string;
    do {
      symbol = pick(rng, LETTERS) + pick(rng, RARE_LETTERS) + pick(rng, LETTERS) + pick(rng, LETTERS);
    } while (taken.has(symbol));
    taken.add(symbol);
    const sector = sectors[index % sectors.length] ?? "technology";
    const profile = SECTOR_PROFILE[sector];
    universe.push({
      symbol,
      name: `${symbol.charAt(0)}${symbol.slice(1).toLowerCase()} ${profile.suffix}`,
      sector,
      beta: roundTo(profile.beta * (0.8 + 0.4 * rng.next()), 2),
      idioVolatility: roundTo(profile.idioVolatility * (0.8 + 0.45 * rng.next()), 6),
      basePrice: roundTo(logUniform(rng, 8, 400), 2),
      baseVolume: Math.round(logUniform(rng, 2_000, 40_000)),
    });
  }
  return universe;
}
