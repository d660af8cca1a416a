import { z } from "zod";
import { fnv1a64 } from "./fnv1a64";
import { SplitMix64 } from "./splitmix64";

const TWO_POW_26 = 67_108_864;
const TWO_POW_32 = 4_294_967_296;
const TWO_POW_53 = 9_007_199_254_740_992;

const uint32 = z.number().int().min(0).max(0xffff_ffff);

/** Everything needed to resume a generator exactly where it was; plain JSON. */
export const prngStateSchema = z.object({
  /** The 64-bit key the generator was seeded with (hex); `fork` derives children from it. */
  key: z.string().regex(/^[0-9a-f]{16}$/, "16 lower-case hex digits"),
  /** xoshiro128** state words, unsigned. */
  state: z
    .tuple([uint32, uint32, uint32, uint32])
    .refine((words) => words.some((word) => word !== 0), "the all-zero state is a fixed point of xoshiro"),
  /** The second normal of the last polar-method pair, not yet handed out. */
  spare: z.number().finite().nullable(),
});
export type PrngState = z.infer<typeof prngStateSchema>;

/** A seed: any safe integer or bigint; only its low 64 bits (two's complement) count. */
export type Seed = number | bigint;

function seedKey(seed: Seed): bigint {
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  }
  return BigInt.asUintN(64, BigInt(seed));
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A seeded pseudo-random generator: Blackman & Vigna's xoshiro128** 1.1 (https://prng.di.unimi.it/),
 * 32-bit so every step is a handful of int32 operations in JavaScript, with its 128-bit state filled
 * from the seed by splitmix64 as the authors recommend.
 *
 * Not for anything security-related. Everything in the domain that needs randomness takes one of
 * these, so a seed reproduces a run bit for bit.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null;
  private readonly key: bigint;

  private constructor(key: bigint, state: readonly [number, number, number, number], spare: number | null) {
    this.key = key;
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.spare = spare;
  }

  static fromSeed(seed: Seed): Prng {
    const key = seedKey(seed);
    const mixer = new SplitMix64(key);
    const a = mixer.next();
    const b = mixer.next();
    // splitmix64 is a bijection of its counter, so two consecutive outputs are never both zero.
    return new Prng(
      key,
      [Number(a & 0xffff_ffffn), Number(a >> 32n), Number(b & 0xffff_ffffn), Number(b >> 32n)],
      null,
    );
  }

  static restore(state: PrngState): Prng {
    const parsed = prngStateSchema.parse(state);
    return new Prng(BigInt(`0x${parsed.key}`), parsed.state, parsed.spare);
  }

  snapshot(): PrngState {
    return {
      key: this.key.toString(16).padStart(16, "0"),
      state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spare: this.spare,
    };
  }

  /**
   * An independent generator for the stream named `label`. It depends only on this generator's
   * seed key and the label, not on how many numbers have been drawn, so giving each consumer its
   * own fork keeps its stream unchanged when other consumers are added, removed or draw more.
   */
  fork(label: string): Prng {
    return Prng.fromSeed(new SplitMix64(this.key ^ fnv1a64(label)).next());
  }

  /** The next raw output, uniform on the unsigned 32-bit integers. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform on [0, 1) with the full 53-bit resolution of a double (two raw outputs). */
  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /** A uniform integer in [0, n) for an integer 1 <= n <= 2^32, without modulo bias (rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`int(n) needs 1 <= n <= 2^32, got ${n}`);
    // The largest multiple of n not above 2^32: raw values at or past it would favour small results.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /**
   * A normal draw by Marsaglia's polar method, which needs no trigonometry (so its results are the
   * same wherever `Math.log` and `Math.sqrt` are) and yields two independent normals per accepted
   * pair: the second is kept as `spare` (part of the snapshot) and returned by the next call.
   */
  normal(mean = 0, sd = 1): number {
    const spare = this.spare;
    if (spare !== null) {
      this.spare = null;
      return mean + sd * spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const scale = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * scale;
    return mean + sd * u * scale;
  }
}
