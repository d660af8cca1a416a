import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Prng } from "../random/prng";
import { seededDecisionIds } from "./decision-id";

describe("seededDecisionIds", () => {
  it("draws version-4 UUIDs, the same ones for the same seed", () => {
    const ids = seededDecisionIds(Prng.fromSeed(7));
    const drawn = Array.from({ length: 1_000 }, ids);
    for (const id of drawn) {
      expect(z.uuid().safeParse(id).success).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(drawn).size).toBe(1_000);
    const again = seededDecisionIds(Prng.fromSeed(7));
    expect(Array.from({ length: 1_000 }, again)).toEqual(drawn);
  });
});
