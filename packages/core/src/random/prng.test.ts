import { describe, expect, it } from "vitest";
import { Prng, type PrngState } from "./prng";

const fromState = (state: PrngState["state"]): Prng => Prng.restore({ key: "0000000000000000", state, spare: null });

/** xoshiro128** from state [1, 2, 3, 4]: rand_xoshiro's vector "produced with the reference implementation (v1.1)". */
const REFERENCE_1234 = [
  11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
];

/** genrand_res53: 27 high bits of the first word and 26 of the second over 2^53. */
const res53 = (first: number, second: number): number => ((first >>> 5) * 2 ** 26 + (second >>> 6)) / 2 ** 53;

function moments(values: Float64Array): { mean: number; variance: number; skew: number; excessKurtosis: number } {
  const n = values.length;
  let sum = 0;
  for (const x of values) sum += x;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of values) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, excessKurtosis: m4 / (m2 * m2) - 3 };
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] ?? 0;
    mb += b[i] ?? 0;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] ?? 0) - ma;
    const db = (b[i] ?? 0) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("Prng: xoshiro128** core", () => {
  it("reproduces the reference outputs from state [1, 2, 3, 4]", () => {
    const rng = fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 10 }, () => rng.nextUint32())).toEqual(REFERENCE_1234);
  });

  it("reproduces the states and outputs of the C reference run in edorfaus/xoshiro-6502's test data", () => {
    const rng = fromState([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]);
    const outputs = [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70];
    const states = [
      [0x72410269, 0xef382c52, 0x2e43bec7, 0x62432f20],
      [0xff3a011b, 0xb33a90fc, 0x2c5a18ae, 0xd81b946b],
      [0x941b058c, 0x605a8949, 0xa641e1b5, 0x0824bb59],
      [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343],
    ];
    for (let i = 0; i < outputs.length; i++) {
      expect(rng.nextUint32()).toBe(outputs[i]);
      expect(rng.snapshot().state).toEqual(states[i]);
    }
  });

  it("seeds the state with two splitmix64 outputs, low word first", () => {
    // rand_xoshiro's splitmix64 vector for this seed starts 1985237415132408290, 2979275885539914483.
    const words = (x: bigint) => [Number(x & 0xffffffffn), Number(x >> 32n)];
    const rng = Prng.fromSeed(1477776061723855037n);
    expect(rng.snapshot().state).toEqual([...words(1985237415132408290n), ...words(2979275885539914483n)]);
  });

  it.each([
    [0, [3737715805, 2584255861, 2876756834, 3286328325, 1553311962, 1625202774]],
    [42, [1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]],
    [20240601, [3865763728, 2928583729, 2344800337, 1191762289, 3077710244, 979031933]],
  ])(
    "from seed %d gives what the authors' C code (splitmix64.c + xoshiro128starstar.c, gcc) gives",
    (seed, expected) => {
      const rng = Prng.fromSeed(seed);
      expect(Array.from({ length: expected.length }, () => rng.nextUint32())).toEqual(expected);
    },
  );

  it("takes the low 64 bits of a seed, and rejects numbers that are not safe integers", () => {
    expect(Prng.fromSeed(-1).snapshot()).toEqual(Prng.fromSeed((1n << 64n) - 1n).snapshot());
    expect(Prng.fromSeed(7).snapshot()).toEqual(Prng.fromSeed(7n).snapshot());
    expect(() => Prng.fromSeed(1.5)).toThrow(RangeError);
    expect(() => Prng.fromSeed(2 ** 60)).toThrow(RangeError);
  });
});

describe("Prng.next", () => {
  it("builds each double from two raw outputs, 27 + 26 bits", () => {
    const rng = fromState([1, 2, 3, 4]);
    expect(rng.next()).toBe(360 / 2 ** 27); // (11520 >>> 5) * 2^26 / 2^53, the second word being 0
    expect(rng.next()).toBe(res53(5927040, 70819200));
    expect(rng.next()).toBe(res53(2031721883, 1637235492));
  });

  it("is uniform on [0, 1): moments and a 100-bin chi-square", () => {
    const rng = Prng.fromSeed(1);
    const n = 1_000_000;
    const bins = new Array<number>(100).fill(0);
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      sum += x;
      sumSq += x * x;
      min = Math.min(min, x);
      max = Math.max(max, x);
      const bin = Math.floor(x * 100);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    // Mean 1/2 with standard error sqrt(1/12 / n) ≈ 2.9e-4; variance 1/12 with s.e. sqrt(1/180 / n) ≈ 7.5e-5.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sumSq / n - mean * mean - 1 / 12)).toBeLessThan(5 * Math.sqrt(1 / 180 / n));
    const expected = n / 100;
    const chiSquare = bins.reduce((acc, count) => acc + (count - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: the 0.1% and 99.9% quantiles are about 61.9 and 148.2.
    expect(chiSquare).toBeGreaterThan(61.9);
    expect(chiSquare).toBeLessThan(148.2);
  });
});

describe("Prng.int", () => {
  it("stays in range and is uniform over 6 values (chi-square, 5 d.f.)", () => {
    const rng = Prng.fromSeed(2);
    const counts = new Array<number>(6).fill(0);
    const n = 600_000;
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.int(6);
      if (!Number.isInteger(k) || k < 0 || k >= 6) outOfRange++;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(outOfRange).toBe(0);
    const chiSquare = counts.reduce((acc, count) => acc + (count - n / 6) ** 2 / (n / 6), 0);
    expect(chiSquare).toBeLessThan(20.5); // 99.9% quantile of chi-square with 5 d.f.
  });

  it("has no modulo bias where a plain `x % n` would have a lot", () => {
    // n = 3·2^30: x % n maps [0, 2^30) twice (from [0, 2^30) and [n, 2^32)), so a biased draw
    // lands below 2^30 with probability 1/2 instead of 1/3.
    const rng = Prng.fromSeed(3);
    const n = 3 * 2 ** 30;
    const draws = 200_000;
    let below = 0;
    for (let i = 0; i < draws; i++) if (rng.int(n) < 2 ** 30) below++;
    expect(Math.abs(below / draws - 1 / 3)).toBeLessThan(5 * Math.sqrt((1 / 3) * (2 / 3) * (1 / draws)));
  });

  it("maps a raw output straight through when n is 2^32, and returns 0 for n = 1", () => {
    const rng = fromState([1, 2, 3, 4]);
    expect(rng.int(2 ** 32)).toBe(11520);
    expect(rng.int(1)).toBe(0);
    // 5927040 < the limit 2^32 - (2^32 mod 1000) = 4294967000, so it is accepted: 5927040 mod 1000 = 40.
    expect(rng.int(1000)).toBe(40);
  });

  it("rejects n outside 1..2^32", () => {
    const rng = Prng.fromSeed(4);
    for (const n of [0, -1, 2.5, 2 ** 32 + 1, Number.NaN]) expect(() => rng.int(n)).toThrow(RangeError);
  });
});

describe("Prng.normal", () => {
  it("follows Marsaglia's polar method on the reference stream, rejecting pairs outside the unit disc", () => {
    const rng = fromState([1, 2, 3, 4]);
    // First pair: u = 2·(360/2^27) − 1 ≈ −1 and v ≈ −0.997, so u² + v² > 1: rejected.
    const u = 2 * res53(2031721883, 1637235492) - 1;
    const v = 2 * res53(1287239034, 3734860849) - 1;
    const s = u * u + v * v;
    expect(s).toBeLessThan(1);
    const scale = Math.sqrt((-2 * Math.log(s)) / s);
    expect(rng.normal()).toBe(u * scale);
    expect(rng.normal()).toBe(v * scale); // the cached spare
    expect(rng.normal()).not.toBe(v * scale);
  });

  it("scales by sd and shifts by mean", () => {
    const a = Prng.fromSeed(5);
    const b = Prng.fromSeed(5);
    for (let i = 0; i < 5; i++) expect(b.normal(3, 2)).toBeCloseTo(3 + 2 * a.normal(), 12);
  });

  it("has the moments and tail masses of a standard normal on a million draws", () => {
    const rng = Prng.fromSeed(6);
    const n = 1_000_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = rng.normal();
    const { mean, variance, skew, excessKurtosis } = moments(values);
    // Standard errors for n draws from N(0,1): mean 1/√n, variance √(2/n), skew √(6/n), kurtosis √(24/n).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(skew)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(excessKurtosis)).toBeLessThan(5 * Math.sqrt(24 / n));
    let inside1 = 0;
    let above196 = 0;
    for (const x of values) {
      if (Math.abs(x) < 1) inside1++;
      if (x > 1.959963984540054) above196++;
    }
    // P(|Z| < 1) = erf(1/√2) = 0.6826894921; P(Z > 1.95996) = 0.025.
    expect(Math.abs(inside1 / n - 0.6826894921)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / n));
    expect(Math.abs(above196 / n - 0.025)).toBeLessThan(5 * Math.sqrt((0.025 * 0.975) / n));
  });

  it("draws successive values independently (lag-1 correlation, spare included)", () => {
    const rng = Prng.fromSeed(7);
    const n = 200_000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = rng.normal();
      b[i] = rng.normal();
    }
    expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe("Prng snapshot and restore", () => {
  it("resumes the same stream, including a cached spare normal, through JSON", () => {
    const original = Prng.fromSeed(8);
    original.normal(); // leaves a spare behind
    original.next();
    const saved = JSON.parse(JSON.stringify(original.snapshot())) as PrngState;
    expect(saved.spare).not.toBeNull();
    const resumed = Prng.restore(saved);
    for (let i = 0; i < 50; i++) {
      expect(resumed.normal()).toBe(original.normal());
      expect(resumed.nextUint32()).toBe(original.nextUint32());
    }
  });

  it("rejects malformed states", () => {
    const good = Prng.fromSeed(9).snapshot();
    expect(() => Prng.restore({ ...good, state: [0, 0, 0, 0] })).toThrow();
    expect(() => Prng.restore({ ...good, state: [1, 2, 3, 2 ** 32] })).toThrow();
    expect(() => Prng.restore({ ...good, key: "xyz" })).toThrow();
    expect(() => Prng.restore({ ...good, spare: Number.NaN })).toThrow();
  });
});

describe("Prng.fork", () => {
  it("is deterministic and independent of how much the parent has drawn", () => {
    const fresh = Prng.fromSeed(10);
    const used = Prng.fromSeed(10);
    for (let i = 0; i < 1000; i++) used.normal();
    const a = fresh.fork("symbol:QVXL");
    const b = used.fork("symbol:QVXL");
    const c = Prng.restore(used.snapshot()).fork("symbol:QVXL");
    for (let i = 0; i < 20; i++) {
      const x = a.nextUint32();
      expect(b.nextUint32()).toBe(x);
      expect(c.nextUint32()).toBe(x);
    }
  });

  it("gives different streams for different labels, seeds and paths", () => {
    const first = (rng: Prng) => Array.from({ length: 4 }, () => rng.nextUint32()).join(",");
    const root = Prng.fromSeed(11);
    const streams = [
      first(Prng.fromSeed(11)),
      first(root.fork("a")),
      first(root.fork("b")),
      first(Prng.fromSeed(12).fork("a")),
      first(root.fork("a").fork("b")),
      first(root.fork("b").fork("a")),
      first(root.fork("")),
    ];
    expect(new Set(streams).size).toBe(streams.length);
  });

  it("gives uncorrelated streams", () => {
    const root = Prng.fromSeed(13);
    const a = root.fork("sector:technology");
    const b = root.fork("sector:healthcare");
    const n = 200_000;
    const xa = new Float64Array(n);
    const xb = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xa[i] = a.normal();
      xb[i] = b.normal();
    }
    expect(Math.abs(correlation(xa, xb))).toBeLessThan(5 / Math.sqrt(n));
  });
});
