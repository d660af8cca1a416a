import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import type { Clock } from "../ports/clock";
import { Prng } from "../random/prng";
import { OrderThrottle } from "./order-throttle";

describe("OrderThrottle", () => {
  it("admits at most maxMessages in any perMs window, a message counting until t + perMs", () => {
    const clock = new ManualClock(0);
    const throttle = new OrderThrottle({ maxMessages: 3, perMs: 1_000, clock });
    for (const t of [0, 100, 200]) {
      clock.set(t);
      expect(throttle.tryAcquire("a").allowed).toBe(true);
    }
    clock.set(300);
    expect(throttle.tryAcquire("a")).toEqual({
      allowed: false,
      inWindow: 3,
      limit: 3,
      perMs: 1_000,
      retryAfterMs: 700,
      reason: "rate",
    });
    clock.set(999);
    expect(throttle.tryAcquire("a").retryAfterMs).toBe(1);
    // Another client has its own allowance.
    expect(throttle.tryAcquire("b").allowed).toBe(true);
    clock.set(1_000);
    expect(throttle.peek("a")).toMatchObject({ allowed: true, inWindow: 2 });
    expect(throttle.tryAcquire("a")).toMatchObject({ allowed: true, inWindow: 2 });
    expect(throttle.tryAcquire("a").allowed).toBe(false);
  });

  it("agrees with a naive log of admitted times over a random stream of several clients", () => {
    const prng = Prng.fromSeed(7);
    const clock = new ManualClock(0);
    const throttle = new OrderThrottle({ maxMessages: 5, perMs: 250, clock });
    const log = new Map<string, number[]>();
    let refused = 0;
    for (let step = 0; step < 20_000; step++) {
      clock.advance(prng.int(3) === 0 ? prng.int(120) : prng.int(8));
      const client = `c${prng.int(4)}`;
      const now = clock.now();
      const times = log.get(client) ?? [];
      const inWindow = times.filter((t) => now - t < 250);
      const expectedAllowed = inWindow.length < 5;
      const decision = throttle.tryAcquire(client);
      expect(decision.allowed, `step ${step}`).toBe(expectedAllowed);
      expect(decision.inWindow).toBe(inWindow.length);
      if (expectedAllowed) {
        log.set(client, [...inWindow, now]);
      } else {
        refused += 1;
        expect(decision.retryAfterMs).toBe(Math.min(...inWindow) + 250 - now);
      }
    }
    expect(refused).toBeGreaterThan(1_000);
  });

  it("keeps at most maxClients, replacing idle ones and refusing newcomers while all are active", () => {
    const clock = new ManualClock(0);
    const throttle = new OrderThrottle({ maxMessages: 2, perMs: 1_000, maxClients: 2, clock });
    expect(throttle.tryAcquire("a").allowed).toBe(true);
    clock.set(400);
    expect(throttle.tryAcquire("b").allowed).toBe(true);
    expect(throttle.tryAcquire("c")).toMatchObject({ allowed: false, reason: "capacity", retryAfterMs: 600 });
    expect(throttle.size).toBe(2);
    // At 1,000, a's only message has left its window: c takes a's place.
    clock.set(1_000);
    expect(throttle.tryAcquire("c").allowed).toBe(true);
    expect(throttle.size).toBe(2);
    expect(throttle.peek("b")).toMatchObject({ allowed: true, inWindow: 1 });
  });

  it("never reopens a window when the clock steps back", () => {
    let now = 10_000;
    const clock: Clock = { now: () => now };
    const throttle = new OrderThrottle({ maxMessages: 1, perMs: 1_000, clock });
    expect(throttle.tryAcquire("a").allowed).toBe(true);
    now = 5_000;
    expect(throttle.tryAcquire("a")).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
  });

  it("keeps each client's latest messages through a change of limits", () => {
    const clock = new ManualClock(0);
    const throttle = new OrderThrottle({ maxMessages: 4, perMs: 1_000, clock });
    for (const t of [0, 10, 20, 30]) {
      clock.set(t);
      throttle.tryAcquire("a");
    }
    throttle.reconfigure({ maxMessages: 2, perMs: 1_000 });
    clock.set(1_005);
    // The messages at 20 and 30 are kept: still two in the window at 1,005.
    expect(throttle.tryAcquire("a")).toMatchObject({ allowed: false, inWindow: 2, retryAfterMs: 15 });
    throttle.reconfigure({ maxMessages: 3, perMs: 1_000 });
    expect(throttle.tryAcquire("a")).toMatchObject({ allowed: true, inWindow: 2 });
    expect(throttle.limit).toEqual({ maxMessages: 3, perMs: 1_000 });
  });
});
