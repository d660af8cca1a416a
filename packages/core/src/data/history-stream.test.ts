import { describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryFeatureCache } from "../embedded/memory-feature-cache";
import { batchCompute, type FeatureVector, featureDefinitions } from "../features/index";
import type { Bar } from "../market/bar";
import { silentLogger } from "../ports/logger";
import { FeaturesUnavailableError, NoFeatureDataError, UnknownSymbolError } from "./feature-errors";
import { FeatureService } from "./feature-service";
import { type HistoryRow, readHistoryPage, streamHistory } from "./history-stream";
import { MemoryBarReader } from "./testing/memory-bar-reader";
import { minuteBars } from "./testing/minute-bars";
import { aggregateBars } from "./timeframe-aggregator";

const minute = 60_000;
const t0 = Date.UTC(2026, 0, 5, 0, 0);
const warmupBars = 300;

async function collect(rows: AsyncIterable<HistoryRow>): Promise<HistoryRow[]> {
  const out: HistoryRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function failure(rows: AsyncIterable<HistoryRow>): Promise<unknown> {
  try {
    await collect(rows);
  } catch (error) {
    return error;
  }
  throw new Error("expected the stream to fail");
}

function setup(bars: readonly Bar[], clockAt: number) {
  const reader = new MemoryBarReader(["ABC", "EMPTY"]);
  reader.add(bars);
  return { reader, source: { bars: reader, clock: new ManualClock(clockAt) } };
}

describe("streamHistory", () => {
  const history = minuteBars({ symbol: "ABC", start: t0, count: 3_000, seed: 31, gapProbability: 0.05 });
  const end = t0 + 3_000 * minute;

  it("returns each bar of [from, to) with the vector a pipeline fed the warm-up window and the range gives", async () => {
    const { source } = setup(history, end);
    const from = t0 + 1_000 * minute + 30_000;
    const to = t0 + 2_500 * minute;
    const rows = await collect(streamHistory(source, "ABC", "1min", from, to, { pageSize: 97, warmupBars }));
    const inRange = history.filter((bar) => bar.time >= from && bar.time < to);
    expect(rows.map((row) => row.bar)).toEqual(inRange);
    const firstIndex = history.indexOf(inRange[0] as Bar);
    const fed = history.slice(firstIndex - (warmupBars - 1), firstIndex + inRange.length);
    expect(rows.map((row) => row.features)).toEqual(batchCompute(fed).slice(warmupBars - 1));
  });

  it("agrees with the feature service as of each bar's end", async () => {
    const { source, reader } = setup(history, end);
    const service = new FeatureService({
      cache: new MemoryFeatureCache({}),
      bars: reader,
      clock: source.clock,
      logger: silentLogger,
    });
    const rows = await collect(streamHistory(source, "ABC", "1min", t0 + 2_000 * minute, end));
    const cumulative = new Set(featureDefinitions.filter((d) => d.window === "cumulative").map((d) => d.name));
    for (const row of [rows[0], rows[400], rows.at(-1)]) {
      if (row === undefined) throw new Error("missing row");
      const { vector } = await service.get("ABC", "1min", { timestamp: Date.parse(row.features.timestamp) });
      expect(vector.timestamp).toBe(row.features.timestamp);
      expect(Object.keys(vector.features).sort()).toEqual(Object.keys(row.features.features).sort());
      for (const [name, value] of Object.entries(row.features.features)) {
        if (cumulative.has(name)) continue;
        expect(Math.abs((vector.features[name] ?? Number.NaN) - value), name).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(value)),
        );
      }
    }
  });

  it("aggregates 5-minute bars, leaving out a last bucket that is not complete yet", async () => {
    // 03:00-03:05 holds 03:00-03:02 only; its last minutes may still come until the clock passes 03:05.
    const minutes = history.filter((bar) => bar.time < t0 + 182 * minute + 1);
    const { source } = setup(minutes, t0 + 183 * minute);
    const rows = await collect(
      streamHistory(source, "ABC", "5min", t0 + 60 * minute, end, { pageSize: 50, warmupBars }),
    );
    const expected = aggregateBars(minutes, "5min", { completeAt: t0 + 183 * minute });
    expect(rows.map((row) => row.bar)).toEqual(expected.filter((bar) => bar.time >= t0 + 60 * minute));
    expect(rows.at(-1)?.bar.time).toBe(t0 + 175 * minute);
    const fed = expected.slice(Math.max(0, expected.length - rows.length - (warmupBars - 1)));
    expect(rows.map((row) => row.features)).toEqual(batchCompute(fed).slice(-rows.length));

    source.clock.set(t0 + 185 * minute);
    const later = await collect(streamHistory(source, "ABC", "5min", t0 + 60 * minute, end, { warmupBars }));
    expect(later.at(-1)?.bar.time).toBe(t0 + 180 * minute);
  });

  it("streams a year of 1-minute bars page by page: reads bounded by the page size, rows before later reads", async () => {
    const year = minuteBars({ symbol: "ABC", start: Date.UTC(2025, 0, 1), count: 365 * 1_440, seed: 8 });
    const { source, reader } = setup(year, Date.UTC(2026, 0, 1));
    const rows = streamHistory(source, "ABC", "1hour", Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1), {
      pageSize: 5_000,
      warmupBars: 100,
    })[Symbol.asyncIterator]();

    const first = await rows.next();
    expect(first.value?.bar.time).toBe(Date.UTC(2025, 0, 1));
    // The first row comes after one page: later pages are read only as rows are taken.
    const pagesBeforeFirstRow = reader.reads.filter((read) => read.method === "barsBetween");
    expect(pagesBeforeFirstRow).toHaveLength(1);

    let count = 1;
    let last: HistoryRow | undefined;
    for (let next = await rows.next(); next.done !== true; next = await rows.next()) {
      count += 1;
      last = next.value;
    }
    expect(count).toBe(365 * 24);
    expect(last?.bar.time).toBe(Date.UTC(2025, 11, 31, 23));
    const pages = reader.reads.filter((read) => read.method === "barsBetween");
    // 525,600 minutes in pages of 5,000: 105 full pages, one of 600, then the completeness check
    // of the last bucket (the clock is at its end, so none is needed).
    expect(pages).toHaveLength(106);
    expect(Math.max(...pages.map((read) => read.size ?? Number.POSITIVE_INFINITY))).toBe(5_000);
    expect(Math.max(...reader.reads.map((read) => read.returned ?? 0))).toBe(5_000);
  });

  it("reads a timeframe's own stored bars when the symbol has them", async () => {
    const hours = aggregateBars(history, "1hour").map((bar) => ({ ...bar, volume: bar.volume + 1 }));
    const { source } = setup([...history, ...hours], end);
    const rows = await collect(streamHistory(source, "ABC", "1hour", t0, end));
    expect(rows.map((row) => row.bar)).toEqual(hours);
  });

  it("fails, before any row, with UnknownSymbolError, NoFeatureDataError or a RangeError", async () => {
    const { source } = setup(history, end);
    expect(await failure(streamHistory(source, "NOPE", "1min", t0, end))).toBeInstanceOf(UnknownSymbolError);
    const empty = await failure(streamHistory(source, "EMPTY", "5min", t0, end));
    expect(empty).toBeInstanceOf(NoFeatureDataError);
    expect(String(empty)).toContain(
      "no complete bar opening between 2026-01-05T00:00:00.000Z and 2026-01-07T02:00:00.000Z",
    );
    expect(await failure(streamHistory(source, "ABC", "1min", end, end + minute))).toBeInstanceOf(NoFeatureDataError);
    expect(() => streamHistory(source, "ABC", "1min", end, t0)).toThrow(/from .* must be before to/);
    expect(() => streamHistory(source, "ABC", "1min", -1, t0)).toThrow(RangeError);
    expect(() => streamHistory(source, "ABC", "1min", t0, end, { pageSize: 0 })).toThrow(/pageSize/);
  });

  it("turns an unreadable database into FeaturesUnavailableError, at the first read or mid-stream", async () => {
    const { source, reader } = setup(history, end);
    reader.failing = true;
    expect(await failure(streamHistory(source, "ABC", "1min", t0, end))).toBeInstanceOf(FeaturesUnavailableError);
    reader.failing = false;
    const rows: HistoryRow[] = [];
    const midway = await (async () => {
      try {
        for await (const row of streamHistory(source, "ABC", "1min", t0, end, { pageSize: 100 })) {
          rows.push(row);
          if (rows.length === 150) reader.failing = true;
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(midway).toBeInstanceOf(FeaturesUnavailableError);
    expect(String(midway)).toContain("the stored bars cannot be read (database unreachable)");
    expect(rows).toHaveLength(200);
  });
});

describe("readHistoryPage", () => {
  it("pages through a range with a cursor; the pages hold the stream's bars", async () => {
    const history = minuteBars({ symbol: "ABC", start: t0, count: 400, seed: 32 });
    const { source } = setup(history, t0 + 400 * minute);
    const request = { symbol: "ABC", timeframe: "1min" as const, from: t0 + 100 * minute, to: t0 + 350 * minute };
    const pages: { rows: readonly HistoryRow[]; nextCursor: number | null }[] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await readHistoryPage(source, {
        ...request,
        limit: 100,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      pages.push(page);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(pages.map((page) => page.rows.length)).toEqual([100, 100, 50]);
    expect(pages.map((page) => page.nextCursor)).toEqual([t0 + 200 * minute, t0 + 300 * minute, null]);
    const streamed = await collect(streamHistory(source, "ABC", "1min", request.from, request.to));
    expect(pages.flatMap((page) => page.rows.map((row) => row.bar))).toEqual(streamed.map((row) => row.bar));
    const vectors: FeatureVector[] = pages.flatMap((page) => page.rows.map((row) => row.features));
    expect(vectors.map((vector) => vector.features.price)).toEqual(streamed.map((row) => row.features.features.price));
    await expect(readHistoryPage(source, { ...request, limit: 10, cursor: t0 })).rejects.toThrow(/cursor/);
  });
});
