import { setTimeout as sleep } from "node:timers/promises";
import {
  type Bar,
  BarGuard,
  boundedRaw,
  type Clock,
  type Logger,
  rejectInput,
  silentLogger,
  systemClock,
  timeframeMs,
} from "@tradeops/core";
import { openBarFile } from "./bar-file-reader";
import type { MarketSourceSink, RunningSource } from "./market-source";

/** Market time per wall-clock time: 60 replays an hour of bars in a minute; `max` never waits. */
export type ReplaySpeed = number | "max";

export interface FileReplayOptions {
  /** A `.csv`, `.jsonl` or `.ndjson` file of 1min bars, optionally gzipped (docs/data-sources.md). */
  readonly file: string;
  readonly speed: ReplaySpeed;
  /** Label of rejections and metrics. Default `replay`. */
  readonly source?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Bars per delivery at `max` speed. Default 1,000. */
  readonly maxBatch?: number;
}

interface ReplaySummary {
  readonly file: string;
  /** Non-blank data lines read. */
  readonly rows: number;
  readonly bars: number;
  readonly rejected: number;
  /** True when `stop` ended the replay before the end of the file. */
  readonly stopped: boolean;
}

export interface RunningReplay extends RunningSource {
  /** Settles when the file is done (or the replay stopped); rejects on a read error. */
  readonly done: Promise<ReplaySummary>;
}

/**
 * Replays a bar file into the sink: rows are read as a stream, checked by `BarGuard` (bad ones
 * go to `sink.rejected` with their file and line) and delivered in file order, so each symbol's
 * bars stay in order. At a numeric speed, bars of one minute are delivered together when that
 * minute is complete in replayed time: minute m (ending at E_m) is due E_0 + (E_m − E_0) / speed
 * after the first. Files are expected in time order; a step back in time is delivered at once.
 */
export async function startFileReplay(options: FileReplayOptions, sink: MarketSourceSink): Promise<RunningReplay> {
  const { speed } = options;
  if (speed !== "max" && !(Number.isFinite(speed) && speed > 0)) {
    throw new RangeError(`replay speed must be a positive number or "max", got ${speed}`);
  }
  const source = options.source ?? "replay";
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const maxBatch = options.maxBatch ?? 1_000;
  const file = await openBarFile(options.file);
  const guard = new BarGuard({ source });
  const aborted = new AbortController();
  let stopped = false;
  let rows = 0;
  let delivered = 0;
  let rejected = 0;

  let anchor: { readonly endTime: number; readonly wallTime: number } | undefined;
  let group: Bar[] = [];

  const deliver = async () => {
    if (group.length === 0) return;
    const bars = group;
    group = [];
    if (speed !== "max") {
      const first = bars[0];
      const endTime = first === undefined ? 0 : first.time + timeframeMs[first.timeframe];
      anchor ??= { endTime, wallTime: clock.now() };
      const wait = anchor.wallTime + (endTime - anchor.endTime) / speed - clock.now();
      if (wait > 0) await sleep(wait, undefined, { signal: aborted.signal });
    }
    await sink.bars(bars);
    delivered += bars.length;
  };

  const run = async (): Promise<ReplaySummary> => {
    try {
      for await (const row of file.rows) {
        if (stopped) break;
        rows++;
        const receivedAt = clock.now();
        if (row.kind === "unreadable") {
          rejected++;
          sink.rejected(
            rejectInput({
              source,
              receivedAt,
              raw: { file: file.name, line: row.line, text: row.text },
              reason: "malformed",
              detail: row.detail,
            }),
          );
          continue;
        }
        const result = guard.check(row.value, receivedAt);
        if (!result.ok) {
          rejected++;
          sink.rejected({
            ...result.rejection,
            raw: boundedRaw({ file: file.name, line: row.line, record: row.value }),
          });
          continue;
        }
        const bar = result.value;
        if (speed === "max" ? group.length >= maxBatch : group[0] !== undefined && group[0].time !== bar.time) {
          await deliver();
        }
        group.push(bar);
      }
      if (!stopped) await deliver();
    } catch (error) {
      if (!aborted.signal.aborted) throw error;
    } finally {
      file.close();
    }
    const summary = { file: file.name, rows, bars: delivered, rejected, stopped };
    logger.info(summary, stopped ? "replay stopped" : "replay finished");
    return summary;
  };

  const done = run();
  return {
    done,
    async stop() {
      stopped = true;
      aborted.abort();
      await done.catch(() => undefined);
    },
  };
}
