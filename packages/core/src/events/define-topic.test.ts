import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTopic } from "./define-topic";
import { topics } from "./topics";

describe("defineTopic", () => {
  it("fills the defaults and freezes the definition", () => {
    const topic = defineTopic({ name: "market.bars.v1", description: "bars", schema: z.object({ close: z.number() }) });
    expect(topic).toMatchObject({
      name: "market.bars.v1",
      partitions: 12,
      retry: { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 5_000 },
      handlerTimeoutMs: 30_000,
      retentionMs: 7 * 24 * 60 * 60 * 1000,
    });
    expect(Object.isFrozen(topic)).toBe(true);
    expect(Object.isFrozen(topic.retry)).toBe(true);
  });

  it.each(["decisions", "Trading.decisions.v1", "trading.decisions", "trading.decisions.v0", "trading..v1"])(
    "refuses the non-hierarchical name %s",
    (name) => {
      expect(() => defineTopic({ name, description: "", schema: z.object({}) })).toThrow(/is not of the form/);
    },
  );

  it("refuses nonsensical partitions and retries", () => {
    expect(() => defineTopic({ name: "a.b.v1", description: "", schema: z.object({}), partitions: 0 })).toThrow(
      /partitions/,
    );
    expect(() =>
      defineTopic({ name: "a.b.v1", description: "", schema: z.object({}), retry: { maxAttempts: 0 } }),
    ).toThrow(/maxAttempts/);
  });

  it("declares every topic of the platform once", () => {
    const names = topics.map((topic) => topic.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
