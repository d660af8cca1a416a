import { describe, expect, it } from "vitest";
import { Prng } from "../random/prng";
import { completeRows, ReturnsWindow } from "./returns-window";

const MIN = 60_000;
const T0 = 1_700_000_040_000; // a multiple of a minute: slot 28,333,334

describe("ReturnsWindow: what is stored", () => {
  it("stores ln(close_t / close_{t−1}) at bar t's interval, and nothing across a missing bar", () => {
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 10 });
    window.observe("AAA", T0, 100);
    window.observe("AAA", T0 + MIN, 110);
    window.observe("AAA", T0 + 2 * MIN, 99);
    // No bar at T0 + 3 min: neither interval 3 nor interval 4 (99 → 101.97 spans two) has a return.
    window.observe("AAA", T0 + 4 * MIN, 101.97);
    window.observe("AAA", T0 + 5 * MIN, 100);
    const r = [...window.logReturns("AAA")];
    expect(window.length).toBe(6);
    expect(window.startSlot).toBe(T0 / MIN);
    expect(r[0]).toBeNaN();
    expect(r[1]).toBeCloseTo(Math.log(1.1), 15);
    expect(r[2]).toBeCloseTo(Math.log(0.9), 15);
    expect(r[3]).toBeNaN();
    expect(r[4]).toBeNaN();
    expect(r[5]).toBeCloseTo(Math.log(100 / 101.97), 15);
    const simple = [...window.simpleReturns("AAA")];
    expect(simple[1]).toBeCloseTo(0.1, 15);
    expect(simple[2]).toBeCloseTo(-0.1, 15);
  });

  it("keeps only the latest `capacity` intervals", () => {
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 3 });
    const prices = [100, 101, 102, 103, 104, 105];
    prices.forEach((price, i) => {
      window.observe("AAA", T0 + i * MIN, price);
    });
    expect(window.length).toBe(3);
    expect(window.startSlot).toBe(T0 / MIN + 3);
    expect(window.timeAt(0)).toBe(T0 + 3 * MIN);
    const r = [...window.logReturns("AAA")];
    [103 / 102, 104 / 103, 105 / 104].forEach((ratio, i) => {
      expect(r[i]).toBeCloseTo(Math.log(ratio), 15);
    });
  });

  it("lets one symbol's history be fed after another's: a bar before the window starts the next return", () => {
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 3 });
    [100, 101, 102, 103].forEach((price, i) => {
      window.observe("AAA", T0 + i * MIN, price);
    });
    // The window is intervals 1..3; BBB's bar at 0 lies before it, yet 1's return needs its close.
    [50, 55, 60.5, 66.55].forEach((price, i) => {
      window.observe("BBB", T0 + i * MIN, price);
    });
    const b = [...window.logReturns("BBB")];
    expect(b).toHaveLength(3);
    for (const r of b) expect(r).toBeCloseTo(Math.log(1.1), 15);
    // AAA's return at 1 is intact: BBB's bar at 0 wrote nothing into the cell 3 also maps to.
    expect(window.logReturns("AAA")[2]).toBeCloseTo(Math.log(103 / 102), 15);
  });

  it("aligns symbols on the clock: index k is the same interval for every symbol", () => {
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 10 });
    window.observe("AAA", T0, 10);
    window.observe("AAA", T0 + MIN, 11);
    window.observe("BBB", T0 + MIN + 30_000, 20); // any time inside the interval is that interval
    window.observe("AAA", T0 + 2 * MIN, 12);
    window.observe("BBB", T0 + 2 * MIN, 22);
    expect(window.symbols).toEqual(["AAA", "BBB"]);
    const a = [...window.logReturns("AAA")];
    const b = [...window.logReturns("BBB")];
    expect(a.length).toBe(3);
    expect(b.length).toBe(3);
    expect(b[0]).toBeNaN();
    expect(b[1]).toBeNaN();
    expect(b[2]).toBeCloseTo(Math.log(1.1), 15);
    expect(a[2]).toBeCloseTo(Math.log(12 / 11), 15);
    expect([...window.logReturns("ZZZ")].every(Number.isNaN)).toBe(true);
  });

  it("replaces a corrected close of the latest bar and ignores a bar older than the symbol's latest", () => {
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 10 });
    window.observe("AAA", T0, 100);
    window.observe("AAA", T0 + MIN, 105);
    expect(window.observe("AAA", T0 + MIN, 102)).toBe(true);
    expect(window.observe("AAA", T0, 1)).toBe(false);
    window.observe("AAA", T0 + 2 * MIN, 103);
    const r = [...window.logReturns("AAA")];
    expect(r[1]).toBeCloseTo(Math.log(1.02), 15);
    expect(r[2]).toBeCloseTo(Math.log(103 / 102), 15);
  });

  it("rejects bad prices and options", () => {
    expect(() => new ReturnsWindow({ intervalMs: MIN, capacity: 1 })).toThrow(RangeError);
    expect(() => new ReturnsWindow({ intervalMs: 0, capacity: 5 })).toThrow(RangeError);
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 5 });
    expect(() => window.observe("AAA", T0, 0)).toThrow(RangeError);
    expect(() => window.observe("AAA", T0, Number.NaN)).toThrow(RangeError);
    expect(() => window.timeAt(0)).toThrow(RangeError);
  });

  it("agrees with a naive recomputation from every bar ever seen, over random gappy interleaved streams", () => {
    const prng = Prng.fromSeed(19);
    for (let trial = 0; trial < 20; trial += 1) {
      const capacity = 2 + prng.int(40);
      const window = new ReturnsWindow({ intervalMs: MIN, capacity });
      const symbols = ["AAA", "BBB", "CCC"];
      const history = new Map<string, Map<number, number>>(symbols.map((s) => [s, new Map()]));
      const price = new Map(symbols.map((s) => [s, 100]));
      const steps = 1 + prng.int(200);
      let newest = -1;
      for (let step = 0; step < steps; step += 1) {
        const slot = T0 / MIN + step;
        for (const symbol of symbols) {
          if (prng.next() < 0.15) continue; // a missing bar
          const next = (price.get(symbol) ?? 100) * Math.exp(prng.normal(0, 0.01));
          price.set(symbol, next);
          window.observe(symbol, slot * MIN + prng.int(MIN), next);
          history.get(symbol)?.set(slot, next);
          newest = slot;
        }
      }
      if (newest < 0) continue;
      const first = Math.min(...[...history.values()].flatMap((m) => [...m.keys()]));
      const start = Math.max(first, newest - capacity + 1);
      expect(window.length).toBe(newest - start + 1);
      for (const symbol of symbols) {
        const closes = history.get(symbol) ?? new Map<number, number>();
        const expected = Array.from({ length: newest - start + 1 }, (_, i) => {
          const now = closes.get(start + i);
          const before = closes.get(start + i - 1);
          return now !== undefined && before !== undefined ? Math.log(now / before) : Number.NaN;
        });
        const actual = [...window.logReturns(symbol)];
        expect(actual.map(Number.isNaN)).toEqual(expected.map(Number.isNaN));
        actual.forEach((r, i) => {
          if (!Number.isNaN(r)) expect(r).toBeCloseTo(expected[i] ?? Number.NaN, 15);
        });
      }
    }
  });
});

describe("completeRows", () => {
  it("keeps the rows where every column is present (listwise deletion)", () => {
    const kept = completeRows([
      [1, Number.NaN, 3, 4],
      [5, 6, 7, Number.NaN],
    ]);
    expect(kept.rows).toBe(2);
    expect(kept.columns.map((c) => [...c])).toEqual([
      [1, 3],
      [5, 7],
    ]);
    expect(() => completeRows([[1], [1, 2]])).toThrow(RangeError);
  });

  it("gives the same rows through ReturnsWindow.completeSimpleReturns", () => {
    const window = new ReturnsWindow({ intervalMs: MIN, capacity: 10 });
    [100, 110, 121, 133.1].forEach((p, i) => {
      window.observe("AAA", T0 + i * MIN, p);
    });
    [50, 55, 60.5].forEach((p, i) => {
      window.observe("BBB", T0 + (i + 1) * MIN, p);
    });
    const aligned = window.completeSimpleReturns(["AAA", "BBB"]);
    // AAA has returns at 1, 2, 3; BBB at 2, 3 (its first bar is at 1): rows 2 and 3, all +10%.
    expect(aligned.rows).toBe(2);
    for (const column of aligned.columns) for (const r of column) expect(r).toBeCloseTo(0.1, 14);
  });
});
