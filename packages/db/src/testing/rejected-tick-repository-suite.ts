import { expect, it } from "vitest";
import { PrismaRejectedTickRepository } from "../repositories/rejected-tick-repository";
import type { RejectedTickRecord } from "../repositories/repository-ports";
import { useMigratedDatabase } from "./migrated-database";
import type { TestDatabaseFactory } from "./test-database";

const start = Date.UTC(2026, 0, 5, 14, 30);

/** The RejectedTickRepository against a migrated database. */
export function rejectedTickRepositorySuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  const db = useMigratedDatabase(createFactory);
  const repository = () => new PrismaRejectedTickRepository(db.prisma);
  const rowCount = () => db.prisma.rejectedTick.count();

  it("stores a batch and reads it back newest first, every kind of raw input intact", async () => {
    const batch: RejectedTickRecord[] = [
      {
        receivedAt: start + 1,
        source: "websocket",
        symbol: "QXAB",
        reason: "non_positive_price",
        raw: { type: "trade", symbol: "QXAB", price: -1, size: 10, time: "2026-01-05T14:30:00Z", nested: [1, null] },
      },
      { receivedAt: start + 2, source: "websocket", reason: "malformed", raw: "{not json" },
      { receivedAt: start + 3, source: "replay", symbol: "ZQTM", reason: "duplicate", raw: ["a", 2, true] },
      { receivedAt: start + 4, source: "replay", reason: "malformed", raw: 42 },
      { receivedAt: start + 5, source: "replay", reason: "malformed", raw: null },
    ];
    await repository().record(batch);
    const stored = await repository().recent({ limit: 10 });
    expect(stored.map(({ id: _id, ...entry }) => entry)).toEqual([...batch].reverse());
    expect(new Set(stored.map((entry) => entry.id)).size).toBe(batch.length);
    for (const entry of stored) expect(entry.id).toMatch(/^\d+$/);
  });

  it("filters by source and symbol and keeps the newest `limit`", async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({
      receivedAt: start + 60_000 + i,
      source: i % 2 === 0 ? "filter-a" : "filter-b",
      symbol: i < 3 ? "QXFA" : "QXFB",
      reason: "out_of_order",
      raw: { i },
    }));
    await repository().record(entries);
    const raws = (rows: { raw: unknown }[]) => rows.map((row) => row.raw);
    expect(raws(await repository().recent({ limit: 10, source: "filter-a" }))).toEqual([{ i: 4 }, { i: 2 }, { i: 0 }]);
    expect(raws(await repository().recent({ limit: 10, symbol: "QXFB" }))).toEqual([{ i: 5 }, { i: 4 }, { i: 3 }]);
    expect(raws(await repository().recent({ limit: 10, source: "filter-b", symbol: "QXFA" }))).toEqual([{ i: 1 }]);
    expect(raws(await repository().recent({ limit: 2, source: "filter-a" }))).toEqual([{ i: 4 }, { i: 2 }]);
  });

  it("writes a large batch in one call", async () => {
    const before = await rowCount();
    const entries = Array.from({ length: 2_500 }, (_, i) => ({
      receivedAt: start + 120_000 + i,
      source: "bulk",
      symbol: `QB${i % 7}`,
      reason: "late",
      raw: { i, text: "x".repeat(i % 50) },
    }));
    await repository().record(entries);
    expect((await rowCount()) - before).toBe(2_500);
    const [newest] = await repository().recent({ limit: 1, source: "bulk" });
    expect(newest?.raw).toEqual({ i: 2_499, text: "x".repeat(2_499 % 50) });
  });

  it("stores text holding NUL characters, which jsonb refuses, with U+FFFD in their place", async () => {
    await repository().record([
      { receivedAt: start + 200_000, source: "nul", reason: "malformed", raw: "a\u0000b" },
      { receivedAt: start + 200_001, source: "nul", reason: "malformed", raw: { "k\u0000": ["v\u0000"] } },
    ]);
    const stored = await repository().recent({ limit: 2, source: "nul" });
    expect(stored.map((entry) => entry.raw)).toEqual([{ "k\uFFFD": ["v\uFFFD"] }, "a\uFFFDb"]);
  });

  it("rejects a batch holding an invalid entry and stores none of it; an empty batch writes nothing", async () => {
    const before = await rowCount();
    const good = { receivedAt: start, source: "replay", reason: "malformed", raw: "x" };
    await expect(repository().record([good, { ...good, reason: "" }])).rejects.toThrow(/reason/);
    await expect(repository().record([good, { ...good, raw: 10n }])).rejects.toThrow(/raw/);
    await expect(repository().record([good, { ...good, raw: undefined }])).rejects.toThrow(/raw/);
    await expect(repository().record([good, { ...good, receivedAt: 1.5 }])).rejects.toThrow(/receivedAt/);
    await repository().record([]);
    expect(await rowCount()).toBe(before);
  });

  it("refuses a limit that is not a positive integer", async () => {
    await expect(repository().recent({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(repository().recent({ limit: 1.5 })).rejects.toThrow(/limit/);
  });
}
