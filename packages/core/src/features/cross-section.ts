import type { SourceScope } from "./bar-source";
import type { FeatureReader } from "./feature-definition";

/**
 * A per-series value the cross-section ranks (returns_5, volatility_20...): `bind` reads it for
 * one series, from that series' sources. Shared by identity, like a source definition.
 */
export interface CrossSectionalQuantity {
  /** Names the value (the feature it equals); for diagnostics. */
  readonly key: string;
  readonly bind: (scope: SourceScope) => FeatureReader;
}

export function crossSectionalQuantity(
  key: string,
  bind: (scope: SourceScope) => FeatureReader,
): CrossSectionalQuantity {
  return Object.freeze({ key, bind });
}

/** Value sets a seat keeps: its latest bar's and the three before (see `CrossSection`). */
export const CROSS_SECTION_DEPTH = 4;

/**
 * The series of ONE timeframe that rank against each other. Exactly which values count, for a
 * bar of symbol s ending at E (its timestamp), on a quantity q:
 *
 * - s's own value of q at this bar, x (no value of its own yet: no rank);
 * - for every OTHER symbol of the timeframe, its value of q from its latest bar that ended
 *   STRICTLY BEFORE E, as far as the pipeline has taken it. Bars ending at E itself never count,
 *   whichever order a feed delivers a time step's bars in: so the values do not depend on that
 *   order (live delivery and a sorted replay agree), and nothing stamped after E can enter.
 *   A symbol whose latest earlier bar has no value of q (not warm) or that has not delivered one
 *   yet does not count; an old value counts however old (a symbol stays in the cross-section from
 *   its first bar until the pipeline `remove`s it or its state is reset).
 *
 * When feeds run out of step, the values stay causal and mostly those of a sorted replay. Each
 * symbol keeps the values of its latest CROSS_SECTION_DEPTH bars, so a symbol whose bars arrive
 * up to two time steps ahead still offers the laggards exactly the value a replay would; one
 * further ahead has no retained bar before E and is left out of their ranks (missing, never a
 * later value). A symbol that runs ahead itself ranks against the latest values the laggards
 * have delivered, older than a replay's once it is more than one step ahead of them.
 *
 * The rank is the fraction of those other values below x, ties counting one half:
 * (below + ½·equal)/others, in 0..1 (0: the lowest, 1: the highest, ½: the median or a tie with
 * every other). It equals (average rank − 1)/(n − 1) over the n values including x. With no
 * other value there is no rank (absent, not ½).
 *
 * Cost: one pass over the timeframe's symbols per bar for all quantities together (O(symbols),
 * the only feature cost that is not O(1)); values are plain numbers in per-seat arrays.
 */
export class CrossSection {
  readonly #indices = new Map<CrossSectionalQuantity, number>();
  /** Seated series by position; a seat knows its position. */
  readonly #seats: CrossSectionSeat[] = [];
  /*
   * Every seated series' ring of value sets, struct-of-arrays so the scan below is plain typed-
   * array arithmetic: seat i's slot k ends at #ends[i·D + k] and holds quantity q at
   * #values[(i·D + k)·Q + q]; #heads[i] is its latest slot.
   */
  #capacity = 0;
  #ends = new Float64Array(0);
  #values = new Float64Array(0);
  #heads = new Int32Array(0);
  /** Where the other seats' value sets are, a scratch reused by every ranking. */
  #bases = new Int32Array(0);

  /** The quantity's position in every seat's value sets, assigned on first use. */
  indexOf(quantity: CrossSectionalQuantity): number {
    let index = this.#indices.get(quantity);
    if (index === undefined) {
      // The layout is sized by the quantity count: fixed once values are held (every series of a
      // pipeline binds the same features before its first bar, so this never fires there).
      if (this.#capacity > 0) {
        throw new RangeError(
          `cross-section: quantity ${quantity.key} is new after ranking began (make a quantity once, outside bind, so every series shares it)`,
        );
      }
      index = this.#indices.size;
      this.#indices.set(quantity, index);
    }
    return index;
  }

  /** Quantities ranked. */
  get quantityCount(): number {
    return this.#indices.size;
  }

  /** Series that hold a seat (published at least once and not vacated). */
  get size(): number {
    return this.#seats.length;
  }

  /** A new, empty seat for one series; it joins the ranking with its first `begin`. */
  seat(): CrossSectionSeat {
    return new CrossSectionSeat(this);
  }

  /** @internal Seats `seat` (at the end) and returns its position; its ring starts empty. */
  sit(seat: CrossSectionSeat): number {
    const position = this.#seats.length;
    if (position === this.#capacity) this.#grow();
    this.#seats.push(seat);
    this.#ends.fill(Number.POSITIVE_INFINITY, position * CROSS_SECTION_DEPTH, (position + 1) * CROSS_SECTION_DEPTH);
    this.#heads[position] = 0;
    return position;
  }

  /** @internal Unseats the seat at `position`; the last seat moves into its place. */
  leave(position: number): void {
    const last = this.#seats.length - 1;
    const moved = this.#seats.pop();
    if (moved === undefined || position === last) return;
    this.#seats[position] = moved;
    const d = CROSS_SECTION_DEPTH;
    const q = this.quantityCount;
    this.#ends.copyWithin(position * d, last * d, (last + 1) * d);
    this.#values.copyWithin(position * d * q, last * d * q, (last + 1) * d * q);
    this.#heads[position] = this.#heads[last] as number;
    moved.moveTo(position);
  }

  /** @internal Starts the seat's next value set: returns where quantity 0 of it is stored. */
  advance(position: number, endTime: number): number {
    const d = CROSS_SECTION_DEPTH;
    const head = ((this.#heads[position] as number) + 1) % d;
    this.#heads[position] = head;
    this.#ends[position * d + head] = endTime;
    const base = (position * d + head) * this.quantityCount;
    this.#values.fill(Number.NaN, base, base + this.quantityCount);
    return base;
  }

  /** @internal */
  write(at: number, value: number): void {
    this.#values[at] = value;
  }

  /** @internal Ranks the seat's latest values against the other seats into `ranks`; see the class comment. */
  rankInto(position: number, ranks: Float64Array): void {
    const d = CROSS_SECTION_DEPTH;
    const count = this.quantityCount;
    const ends = this.#ends;
    const values = this.#values;
    const heads = this.#heads;
    const end = ends[position * d + (heads[position] as number)] as number;
    const own = (position * d + (heads[position] as number)) * count;
    // First pass: where each other seat's latest value set that ended strictly before `end` is.
    const seated = this.#seats.length;
    if (this.#bases.length < seated) this.#bases = new Int32Array(this.#capacity);
    const bases = this.#bases;
    let found = 0;
    for (let i = 0; i < seated; i += 1) {
      if (i === position) continue;
      const head = heads[i] as number;
      for (let k = 0; k < d; k += 1) {
        const slot = head >= k ? head - k : head - k + d;
        if ((ends[i * d + slot] as number) < end) {
          bases[found] = (i * d + slot) * count;
          found += 1;
          break;
        }
      }
    }
    // Then one tight pass per quantity, counting without branches: comparisons of unrelated values
    // are coin flips a branch would mispredict half the time. NaN (no value) compares false to
    // everything and is not counted among the others.
    for (let q = 0; q < count; q += 1) {
      const x = values[own + q] as number;
      let below = 0;
      let equal = 0;
      let others = 0;
      for (let j = 0; j < found; j += 1) {
        const v = values[(bases[j] as number) + q] as number;
        below += +(v < x);
        equal += +(v === x);
        others += +!Number.isNaN(v);
      }
      ranks[q] = others === 0 || Number.isNaN(x) ? Number.NaN : (below + 0.5 * equal) / others;
    }
  }

  #grow(): void {
    const capacity = Math.max(16, 2 * this.#capacity);
    const d = CROSS_SECTION_DEPTH;
    const q = this.quantityCount;
    const ends = new Float64Array(capacity * d).fill(Number.POSITIVE_INFINITY);
    ends.set(this.#ends);
    const values = new Float64Array(capacity * d * q).fill(Number.NaN);
    values.set(this.#values);
    const heads = new Int32Array(capacity);
    heads.set(this.#heads);
    this.#capacity = capacity;
    this.#ends = ends;
    this.#values = values;
    this.#heads = heads;
  }
}

/** One series' place in its timeframe's cross-section, and its ranks after its latest bar. */
export class CrossSectionSeat {
  readonly section: CrossSection;
  /** Ranks after the latest bar, by quantity index; NaN for none. */
  #ranks = new Float64Array(0);
  /** Position among the seated, or −1 while not seated. */
  #position = -1;
  /** Where the value set being written starts, between `begin` and `commit`. */
  #base = -1;

  constructor(section: CrossSection) {
    this.section = section;
  }

  /** Starts publishing the values of a bar ending at `endTime` (a first bar seats the series). */
  begin(endTime: number): void {
    if (this.#position < 0) {
      this.#position = this.section.sit(this);
      // The quantities are all registered by now: the series bound its features before its first bar.
      if (this.#ranks.length !== this.section.quantityCount) {
        this.#ranks = new Float64Array(this.section.quantityCount).fill(Number.NaN);
      }
    }
    this.#base = this.section.advance(this.#position, endTime);
  }

  /** Sets quantity `index` of the bar begun (unset quantities have no value). */
  set(index: number, value: number): void {
    this.section.write(this.#base + index, value);
  }

  /** Ranks the bar's values against the other series. */
  commit(): void {
    this.section.rankInto(this.#position, this.#ranks);
  }

  /** The rank of quantity `index` after the latest bar, or undefined (see CrossSection). */
  rank(index: number): number | undefined {
    const r = this.#ranks[index];
    return r === undefined || Number.isNaN(r) ? undefined : r;
  }

  /** @internal The section moved this seat's data to `position`. */
  moveTo(position: number): void {
    this.#position = position;
  }

  /** Leaves the cross-section and forgets every value: as if the series had never published. */
  vacate(): void {
    if (this.#position >= 0) this.section.leave(this.#position);
    this.#position = -1;
    this.#ranks.fill(Number.NaN);
  }
}
