import { type Bar, defaultSymbols, MarketSimulator, type SymbolSpec } from "@tradeops/core";

/*
 * The sample bar files shipped in infra/sample-data/, generated from the simulator (seed 2026) by
 * `node --import tsx infra/sample-data/generate.ts`; a test checks the committed files are exactly
 * what this produces. Prices are rounded to 4 decimals (rounding is monotonic, so low <= open,
 * close <= high still holds) and volumes to whole shares.
 */

const sampleSeed = 2026;
/** One regular US session of 1min bars: 14:30 to 21:00 UTC in January. */
export const sampleSessionBars = 390;
export const sampleSessions = [Date.UTC(2026, 0, 5, 14, 30), Date.UTC(2026, 0, 6, 14, 30)] as const;
/** One listing per sector of five, so the instrument map has something to say. */
export const sampleSymbols = ["QVXL", "HLVX", "FNQR", "PTRZ", "BRVQ"] as const;

export interface SampleFile {
  readonly name: string;
  readonly content: string;
}

const minute = 60_000;
const csvHeader = "symbol,time,open,high,low,close,volume";

function rounded(bar: Bar): Bar {
  const price = (value: number) => Number(value.toFixed(4));
  return {
    ...bar,
    open: price(bar.open),
    high: price(bar.high),
    low: price(bar.low),
    close: price(bar.close),
    volume: Math.round(bar.volume),
  };
}

/**
 * Two sessions of the sample symbols on one continuous simulated path: the second starts where
 * the first closed (overnight, the simulator just carries on at the next session's open).
 */
export function sampleSessionsBars(): Bar[][] {
  const universe: SymbolSpec[] = sampleSymbols.map((symbol) => {
    const spec = defaultSymbols.find((s) => s.symbol === symbol);
    if (!spec) throw new Error(`${symbol} is not a default listing`);
    return spec;
  });
  const [firstSession, secondSession] = sampleSessions;
  const first = new MarketSimulator({ seed: sampleSeed, symbols: universe, startTime: firstSession });
  const day1 = Array.from({ length: sampleSessionBars }, () => first.nextBars().map(rounded)).flat();
  // Restored with its start moved so that its next bar opens the second session.
  const snapshot = first.snapshot();
  const second = MarketSimulator.restore({ ...snapshot, startTime: secondSession - snapshot.steps * minute });
  const day2 = Array.from({ length: sampleSessionBars }, () => second.nextBars().map(rounded)).flat();
  return [day1, day2];
}

const csvLine = (bar: Bar, time: string = new Date(bar.time).toISOString()) =>
  [bar.symbol, time, bar.open, bar.high, bar.low, bar.close, bar.volume].join(",");

const jsonLine = (bar: Bar) =>
  JSON.stringify({
    symbol: bar.symbol,
    time: bar.time,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
  });

/** What each bad sample's rejections should be, by reason (docs/data-sources.md lists the rows). */
export const badSampleRejections = {
  "bad-bars.csv": { malformed: 6, non_positive_price: 2, inconsistent_bar: 1, duplicate: 1, out_of_order: 1 },
  "bad-bars.jsonl": { malformed: 4, duplicate: 1, out_of_order: 1 },
} as const;

/**
 * The first ten minutes of QVXL and HLVX with deliberately bad rows mixed in; the comments say
 * what the guard must make of each.
 */
function badCsv(day1: readonly Bar[]): string {
  const bar = (symbol: string, m: number) => {
    const found = day1.find((b) => b.symbol === symbol && b.time === sampleSessions[0] + m * minute);
    if (!found) throw new Error(`no ${symbol} bar at minute ${m}`);
    return found;
  };
  const q = (m: number) => bar("QVXL", m);
  const h = (m: number) => bar("HLVX", m);
  const lines = [csvHeader];
  for (let m = 0; m < 10; m++) {
    if (m === 2) {
      // malformed: six fields for seven columns. QVXL's minute 2 is therefore never accepted...
      lines.push(csvLine(q(2)).split(",").slice(0, 6).join(","));
      // non_positive_price: a negative open.
      lines.push(csvLine({ ...h(2), open: -h(2).open }));
      lines.push(csvLine(h(2)));
      continue;
    }
    lines.push(csvLine(q(m)), csvLine(h(m)));
    if (m === 3) {
      // inconsistent_bar: a high below the close.
      lines.push(csvLine({ ...q(3), time: q(3).time + minute, high: q(3).close / 2, low: q(3).close / 4 }));
      // duplicate: the same QVXL row again.
      lines.push(csvLine(q(3)));
    }
    if (m === 5) {
      // out_of_order: ...so this valid minute-2 row, arriving after minute 5, is out of order.
      lines.push(csvLine(q(2)));
      // malformed: not a number; a lower-case symbol; a zone-less time; a time off the minute.
      lines.push(csvLine({ ...h(6), close: Number.NaN }).replace("NaN", "abc"));
      lines.push(csvLine({ ...h(6), symbol: "hlvx" }));
      lines.push(csvLine(h(6), new Date(h(6).time).toISOString().replace("T", " ").replace(".000Z", "")));
      lines.push(csvLine(h(6), new Date(h(6).time + 30_000).toISOString()));
    }
    if (m === 7) {
      // non_positive_price: a zero low; malformed: a negative volume.
      lines.push(csvLine({ ...h(8), low: 0 }));
      lines.push(csvLine({ ...h(8), volume: -h(8).volume }));
    }
  }
  return `${lines.join("\n")}\n`;
}

function badJsonl(day1: readonly Bar[]): string {
  const qvxl = day1.filter((b) => b.symbol === "QVXL").slice(0, 6);
  const [b0, b1, b2, b3, b4, b5] = qvxl;
  if (!b0 || !b1 || !b2 || !b3 || !b4 || !b5) throw new Error("not enough QVXL bars");
  const lines = [
    jsonLine(b0),
    // malformed: not JSON.
    "{this is not json",
    jsonLine(b1),
    // malformed: fields missing.
    JSON.stringify({ symbol: "QVXL", time: b2.time }),
    // malformed: prices as words.
    jsonLine(b2).replace(/"open":[\d.]+/, '"open":"one hundred"'),
    // malformed: another timeframe.
    JSON.stringify({ ...JSON.parse(jsonLine(b3)), timeframe: "5min" }),
    jsonLine(b3),
    // duplicate.
    jsonLine(b3),
    jsonLine(b5),
    // out_of_order: b4 was never sent before b5.
    jsonLine(b4),
  ];
  return `${lines.join("\n")}\n`;
}

export function generateSampleData(): SampleFile[] {
  const [day1 = [], day2 = []] = sampleSessionsBars();
  const instruments = Object.fromEntries(
    sampleSymbols.map((symbol) => {
      const spec = defaultSymbols.find((s) => s.symbol === symbol);
      return [symbol, { sector: spec?.sector ?? "unknown", name: spec?.name ?? symbol }];
    }),
  );
  return [
    { name: "bars-2026-01-05.csv", content: `${[csvHeader, ...day1.map((bar) => csvLine(bar))].join("\n")}\n` },
    { name: "bars-2026-01-06.jsonl", content: `${day2.map(jsonLine).join("\n")}\n` },
    { name: "bad-bars.csv", content: badCsv(day1) },
    { name: "bad-bars.jsonl", content: badJsonl(day1) },
    { name: "instruments.json", content: `${JSON.stringify(instruments, null, 2)}\n` },
  ];
}
