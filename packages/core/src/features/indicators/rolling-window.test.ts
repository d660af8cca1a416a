import { describe, expect, it } from "vitest";
import { RollingWindow } from "./rolling-window";

describe("RollingWindow", () => {
  it("keeps the latest `capacity` values and hands back the one it evicts", () => {
    const window = new RollingWindow(3);
    expect([window.push(1), window.push(2), window.push(3)]).toEqual([undefined, undefined, undefined]);
    expect(window.isFull).toBe(true);
    expect(window.push(4)).toBe(1);
    expect(window.toArray()).toEqual([2, 3, 4]);
    expect([window.oldest(), window.newest()]).toEqual([2, 4]);
  });

  it("counts back from the newest with ago(), undefined outside the stored range", () => {
    const window = new RollingWindow(4);
    for (const x of [10, 20, 30]) window.push(x);
    expect([window.ago(0), window.ago(1), window.ago(2)]).toEqual([30, 20, 10]);
    expect(window.ago(3)).toBeUndefined();
    expect(window.ago(-1)).toBeUndefined();
    expect(window.ago(0.5)).toBeUndefined();
  });

  it("stays in order across many wrap-arounds", () => {
    const window = new RollingWindow(3);
    const evicted: (number | undefined)[] = [];
    for (let x = 1; x <= 10; x += 1) evicted.push(window.push(x));
    expect(evicted).toEqual([undefined, undefined, undefined, 1, 2, 3, 4, 5, 6, 7]);
    expect(window.toArray()).toEqual([8, 9, 10]);
    const visited: number[] = [];
    window.forEach((x) => {
      visited.push(x);
    });
    expect(visited).toEqual([8, 9, 10]);
  });

  it("is empty again after clear()", () => {
    const window = new RollingWindow(2);
    window.push(1);
    window.push(2);
    window.clear();
    expect(window.size).toBe(0);
    expect(window.newest()).toBeUndefined();
    expect(window.push(5)).toBeUndefined();
    expect(window.toArray()).toEqual([5]);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new RollingWindow(0)).toThrow(RangeError);
    expect(() => new RollingWindow(2.5)).toThrow(RangeError);
  });
});
