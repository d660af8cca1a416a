import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { Prng } from "../random/prng";
import type { TradeSide } from "./portfolio";
import { ReservationBook } from "./reservations";

describe("ReservationBook", () => {
  it("commits a BUY's cash and a SELL's shares until filled, cancelled or expired", () => {
    const clock = new ManualClock(0);
    const book = new ReservationBook({ clock, ttlMs: 1_000 });
    const buy = book.reserve({ symbol: "XXA", side: "BUY", quantity: 10, price: 50, clientId: "c1" });
    const sell = book.reserve({ symbol: "XXB", side: "SELL", quantity: 7, price: 20 });
    expect(buy).toEqual({
      id: "r1",
      symbol: "XXA",
      side: "BUY",
      quantity: 10,
      price: 50,
      createdAt: 0,
      expiresAt: 1_000,
      clientId: "c1",
    });
    expect([book.cash, book.buyCost("XXA"), book.buyQuantity("XXA"), book.sellQuantity("XXB")]).toEqual([
      500, 500, 10, 7,
    ]);
    expect([...book.buySymbols()]).toEqual(["XXA"]);

    expect(book.fill(buy.id, 4)).toBe(6);
    expect([book.cash, book.buyQuantity("XXA"), book.get(buy.id)?.quantity]).toEqual([300, 6, 6]);
    expect(book.cancel(sell.id)).toBe(true);
    expect(book.cancel(sell.id)).toBe(false);
    expect(book.sellQuantity("XXB")).toBe(0);

    clock.advance(999);
    expect(book.size).toBe(1);
    clock.advance(1);
    expect(book.size).toBe(0);
    expect([book.cash, book.buyCost("XXA"), [...book.buySymbols()]]).toEqual([0, 0, []]);
    expect(() => book.fill(buy.id, 1)).toThrow(RangeError);
  });

  it("refuses impossible fills and malformed reservations", () => {
    const book = new ReservationBook({ clock: new ManualClock(0) });
    const r = book.reserve({ symbol: "XXA", side: "BUY", quantity: 3, price: 1 });
    expect(() => book.fill(r.id, 4)).toThrow(RangeError);
    expect(() => book.fill(r.id, 0)).toThrow(RangeError);
    expect(() => book.reserve({ symbol: "XXA", side: "BUY", quantity: 0, price: 1 })).toThrow(RangeError);
    expect(() => book.reserve({ symbol: "XXA", side: "BUY", quantity: 1, price: -1 })).toThrow(RangeError);
    expect(() => book.reserve({ symbol: "XXA", side: "BUY", quantity: 1, price: 1, ttlMs: 0 })).toThrow(RangeError);
  });

  it("agrees with a naive list through random reserves, fills, cancels and expiries of mixed TTLs", () => {
    const prng = Prng.fromSeed(11);
    const clock = new ManualClock(0);
    const book = new ReservationBook({ clock, ttlMs: 500 });
    interface Naive {
      id: string;
      symbol: string;
      side: TradeSide;
      quantity: number;
      price: number;
      expiresAt: number;
    }
    let naive: Naive[] = [];
    const symbols = ["A", "B", "C"];
    for (let step = 0; step < 5_000; step++) {
      clock.advance(prng.int(40));
      const now = clock.now();
      naive = naive.filter((r) => r.expiresAt > now);
      const draw = prng.next();
      if (draw < 0.5 || naive.length === 0) {
        const ttlMs = prng.next() < 0.5 ? undefined : 1 + prng.int(2_000);
        const request = {
          symbol: symbols[prng.int(3)] as string,
          side: (prng.next() < 0.6 ? "BUY" : "SELL") as TradeSide,
          quantity: 1 + prng.int(50),
          price: 1 + prng.int(100),
          ...(ttlMs === undefined ? {} : { ttlMs }),
        };
        const r = book.reserve(request);
        naive.push({ ...request, id: r.id, expiresAt: now + (ttlMs ?? 500) });
      } else {
        const target = naive[prng.int(naive.length)] as Naive;
        if (draw < 0.75) {
          const quantity = 1 + prng.int(target.quantity);
          expect(book.fill(target.id, quantity)).toBe(target.quantity - quantity);
          target.quantity -= quantity;
          if (target.quantity === 0) naive = naive.filter((r) => r !== target);
        } else {
          expect(book.cancel(target.id)).toBe(true);
          naive = naive.filter((r) => r !== target);
        }
      }
      expect(book.size, `step ${step}`).toBe(naive.length);
      const buys = naive.filter((r) => r.side === "BUY");
      expect(book.cash).toBe(buys.reduce((sum, r) => sum + r.quantity * r.price, 0));
      for (const symbol of symbols) {
        const of = (side: TradeSide) => naive.filter((r) => r.symbol === symbol && r.side === side);
        expect(book.buyQuantity(symbol)).toBe(of("BUY").reduce((sum, r) => sum + r.quantity, 0));
        expect(book.buyCost(symbol)).toBe(of("BUY").reduce((sum, r) => sum + r.quantity * r.price, 0));
        expect(book.sellQuantity(symbol)).toBe(of("SELL").reduce((sum, r) => sum + r.quantity, 0));
      }
      expect(book.list().map((r) => r.id)).toEqual(naive.map((r) => r.id));
    }
  });
});
