import { tradingDecisionEvent } from "@tradeops/core";
import { storedTradingDecisionEvent } from "@tradeops/db";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * packages/db may not import core, so it repeats the decision event's schema to store it
 * losslessly. This is where both are visible: a field added on one side and not the other would
 * make forensics refuse every decision, so the two must describe the same fields and types.
 */
describe("the stored decision event matches the published one", () => {
  it("has the same fields, types and constraints", () => {
    const published = z.toJSONSchema(tradingDecisionEvent, { io: "input" });
    const stored = z.toJSONSchema(storedTradingDecisionEvent, { io: "input" });
    // The stored form is strict (no unknown field may be lost silently); that is the one difference.
    expect(withoutStrictness(stored)).toEqual(withoutStrictness(published));
  });
});

function withoutStrictness(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutStrictness);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === "additionalProperties" && value === false))
      .map(([key, value]) => [key, withoutStrictness(value)]),
  );
}
