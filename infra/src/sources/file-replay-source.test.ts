import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileReplay } from "./file-replay-source";
import { RecordingSink } from "./recording-sink";
import { badSampleRejections, sampleSessions } from "./sample-data";

const samples = resolve(import.meta.dirname, "../../sample-data");
const t0 = sampleSessions[0];
let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "replay-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Two symbols, `minutes` minutes, one line per bar in time order. */
async function barFile(name: string, minutes: number): Promise<string> {
  const lines = ["symbol,time,open,high,low,close,volume"];
  for (let m = 0; m < minutes; m++) {
    for (const symbol of ["QXAB", "ZQTM"]) lines.push(`${symbol},${t0 + m * 60_000},10,11,9,10.5,${100 + m}`);
  }
  const path = join(folder, name);
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}

describe("file replay", () => {
  it("at max speed delivers every bar of the sample in file order, in batches of at most maxBatch", async () => {
    const sink = new RecordingSink();
    const replay = await startFileReplay(
      { file: join(samples, "bars-2026-01-05.csv"), speed: "max", maxBatch: 400 },
      sink,
    );
    expect(await replay.done).toEqual({
      file: "bars-2026-01-05.csv",
      rows: 1_950,
      bars: 1_950,
      rejected: 0,
      stopped: false,
    });
    expect(sink.deliveries.map((d) => d.bars.length)).toEqual([400, 400, 400, 400, 350]);
    const bars = sink.allBars;
    expect(bars[0]).toEqual({
      symbol: "QVXL",
      timeframe: "1min",
      time: t0,
      open: 182.4113,
      high: 182.4113,
      low: 182.1921,
      close: 182.1921,
      volume: 38924,
    });
    for (const symbol of new Set(bars.map((b) => b.symbol))) {
      const times = bars.filter((b) => b.symbol === symbol).map((b) => b.time);
      expect(times).toEqual(Array.from({ length: 390 }, (_, i) => t0 + i * 60_000));
    }
  });

  it.each(Object.entries(badSampleRejections))(
    "sets the bad rows of %s aside with their reason, file and line, and delivers the rest",
    async (name, expected) => {
      const sink = new RecordingSink();
      const replay = await startFileReplay({ file: join(samples, name), speed: "max" }, sink);
      const summary = await replay.done;
      const rejected = Object.values(expected).reduce((sum: number, n: number) => sum + n, 0);
      expect(sink.reasons()).toEqual(expected);
      expect(summary).toMatchObject({ rejected, bars: summary.rows - rejected });
      expect(sink.allBars).toHaveLength(summary.rows - rejected);
      for (const rejection of sink.rejections) {
        expect(rejection).toMatchObject({ source: "replay", raw: { file: name, line: expect.any(Number) } });
      }
    },
  );

  it("paces minutes at the configured speed: 1200x plays a minute of bars every 50 ms", async () => {
    const sink = new RecordingSink();
    const started = Date.now();
    const replay = await startFileReplay({ file: await barFile("paced.csv", 5), speed: 1_200 }, sink);
    await replay.done;
    expect(sink.deliveries.map((d) => d.bars.map((b) => `${b.symbol}@${(b.time - t0) / 60_000}`))).toEqual(
      [0, 1, 2, 3, 4].map((m) => [`QXAB@${m}`, `ZQTM@${m}`]),
    );
    const first = sink.deliveries[0]?.at ?? 0;
    sink.deliveries.forEach((delivery, i) => {
      // Due 50 ms apart from the first; timers fire late, never early (1 ms of rounding allowed).
      expect(delivery.at - first).toBeGreaterThanOrEqual(i * 50 - 1);
      expect(delivery.at - first).toBeLessThan(i * 50 + 150);
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("waits for a sink that asks it to before reading on", async () => {
    const sink = new RecordingSink();
    let inFlight = 0;
    let maxInFlight = 0;
    sink.wait = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    };
    const replay = await startFileReplay({ file: await barFile("slow.csv", 20), speed: "max", maxBatch: 4 }, sink);
    expect((await replay.done).bars).toBe(40);
    expect(sink.deliveries).toHaveLength(10);
    expect(maxInFlight).toBe(1);
  });

  it("stops promptly while waiting for the next minute", async () => {
    const sink = new RecordingSink();
    // At 1x the second minute is due a minute after the first.
    const replay = await startFileReplay({ file: await barFile("slow-speed.csv", 3), speed: 1 }, sink);
    await expect.poll(() => sink.deliveries.length).toBe(1);
    const stopping = Date.now();
    await replay.stop();
    expect(Date.now() - stopping).toBeLessThan(500);
    expect(await replay.done).toMatchObject({ stopped: true, bars: 2 });
  });

  it("refuses a speed that is not positive and a file it cannot use, before reading anything", async () => {
    const sink = new RecordingSink();
    await expect(startFileReplay({ file: await barFile("speed.csv", 1), speed: 0 }, sink)).rejects.toThrow(RangeError);
    await expect(startFileReplay({ file: join(folder, "nope.csv"), speed: "max" }, sink)).rejects.toThrow(/nope\.csv/);
    await expect(startFileReplay({ file: join(folder, "bars.parquet"), speed: "max" }, sink)).rejects.toThrow(/format/);
  });
});
