import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { DuplicateDetector, type OrderIdentity, orderFingerprint } from "./duplicate-detector";

const order: OrderIdentity = { clientId: "c1", symbol: "XXA", side: "BUY", quantity: 100, price: 175.23 };

describe("DuplicateDetector", () => {
  it("recognises the same order from the same client within the window, and only then", () => {
    const clock = new ManualClock(1_000);
    const detector = new DuplicateDetector({ clock, windowMs: 2_000 });
    expect(detector.find(order)).toEqual({ duplicate: false });
    detector.record(order);
    clock.advance(1_999);
    expect(detector.find(order)).toEqual({ duplicate: true, by: "fingerprint", ageMs: 1_999, windowMs: 2_000 });
    expect(detector.find({ ...order, quantity: 101 }).duplicate).toBe(false);
    expect(detector.find({ ...order, price: 175.24 }).duplicate).toBe(false);
    expect(detector.find({ ...order, side: "SELL" }).duplicate).toBe(false);
    expect(detector.find({ ...order, clientId: "c2" }).duplicate).toBe(false);
    clock.advance(1);
    expect(detector.find(order).duplicate).toBe(false);
    expect(detector.size).toBe(0);
  });

  it("recognises a reused order id whatever the terms, per client", () => {
    const clock = new ManualClock(0);
    const detector = new DuplicateDetector({ clock, windowMs: 5_000 });
    detector.record({ ...order, orderId: "o-1" });
    clock.advance(10);
    expect(detector.find({ ...order, orderId: "o-1", quantity: 5 })).toMatchObject({ duplicate: true, by: "order_id" });
    expect(detector.find({ ...order, orderId: "o-1", quantity: 5, clientId: "c2" }).duplicate).toBe(false);
    expect(detector.find({ ...order, orderId: "o-2", quantity: 5 }).duplicate).toBe(false);
  });

  it("keeps parts apart in the fingerprint and treats a missing client as one anonymous client", () => {
    expect(orderFingerprint({ ...order, clientId: "a", symbol: "b,c" })).not.toBe(
      orderFingerprint({ ...order, clientId: "a,b", symbol: "c" }),
    );
    const clock = new ManualClock(0);
    const detector = new DuplicateDetector({ clock, windowMs: 1_000 });
    const anonymous = { symbol: "XXA", side: "SELL" as const, quantity: 1, price: 10 };
    detector.record(anonymous);
    expect(detector.find(anonymous).duplicate).toBe(true);
  });

  it("stays within maxEntries, dropping the oldest first, and turns off at a window of 0", () => {
    const clock = new ManualClock(0);
    const detector = new DuplicateDetector({ clock, windowMs: 60_000, maxEntries: 10 });
    for (let q = 1; q <= 12; q++) {
      clock.advance(1);
      detector.record({ ...order, quantity: q });
    }
    expect(detector.size).toBe(10);
    expect(detector.evicted).toBe(2);
    expect(detector.find({ ...order, quantity: 2 }).duplicate).toBe(false);
    expect(detector.find({ ...order, quantity: 3 }).duplicate).toBe(true);
    detector.windowMs = 0;
    expect(detector.find({ ...order, quantity: 12 }).duplicate).toBe(false);
    detector.record(order);
    expect(detector.size).toBe(0);
  });
});
