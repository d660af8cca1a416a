/**
 * Why a piece of market data was set aside instead of reaching the pipeline. A small, closed set:
 * each reason is a Prometheus label value (`market_data_rejected_total{source,reason}`) and the
 * `reason` column of `rejected_ticks`. See docs/data-sources.md for the policy behind each one.
 */
export const dataRejectionReasons = [
  /** Not JSON, not the documented shape, a bad symbol or time, a row with the wrong fields. */
  "malformed",
  /** A price (trade price, or any of open/high/low/close) that is zero or negative. */
  "non_positive_price",
  /** A bar whose high is below its open or close, or whose low is above them. */
  "inconsistent_bar",
  /** Already accepted: the same sequence number, or the same symbol and time (bars; identical ticks). */
  "duplicate",
  /** Older than the symbol's last accepted time (or sequence number), and not a known duplicate. */
  "out_of_order",
  /** A tick for a minute whose bar was already closed and emitted. */
  "late",
] as const;

export type DataRejectionReason = (typeof dataRejectionReasons)[number];

/** One entry of the dead letter: what arrived, from where, and why it was set aside. */
export interface RejectedInput {
  /** Epoch ms at which the input was received (the receiving process's clock). */
  readonly receivedAt: number;
  /** The source kind: `replay`, `websocket`, ... (a metric label, so a small set). */
  readonly source: string;
  /** The symbol the input names, when it names a plausible one. */
  readonly symbol?: string;
  readonly reason: DataRejectionReason;
  /** The input as received: parsed JSON when it parsed, else the text (bounded, see `boundedRaw`). */
  readonly raw: unknown;
  /** Human-readable specifics ("price: expected number"), for logs. */
  readonly detail: string;
}

/** Raw inputs longer than this (as JSON text) are stored truncated: a hostile feed cannot bloat the table. */
export const maxRawLength = 16_384;

/**
 * The raw input as it can be stored: JSON values pass through unless their JSON text exceeds
 * `maxRawLength`, in which case (as for text that is too long) the head is kept with the length.
 */
export function boundedRaw(raw: unknown): unknown {
  if (typeof raw === "string") {
    return raw.length <= maxRawLength ? raw : { truncated: true, length: raw.length, head: raw.slice(0, maxRawLength) };
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(raw);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(raw);
  return text.length <= maxRawLength
    ? raw
    : { truncated: true, length: text.length, head: text.slice(0, maxRawLength) };
}

/** The `symbol` field of a raw input when it is a plausible ticker, for the dead letter's symbol column. */
export function rawSymbol(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || !("symbol" in raw)) return undefined;
  const symbol = raw.symbol;
  return typeof symbol === "string" && symbol.length > 0 && symbol.length <= 32 ? symbol : undefined;
}

/** A dead-letter entry for `raw`, with its size bounded and its symbol picked out when plausible. */
export function rejectInput(input: {
  readonly source: string;
  readonly receivedAt: number;
  readonly raw: unknown;
  readonly reason: DataRejectionReason;
  readonly detail: string;
  readonly symbol?: string;
}): RejectedInput {
  const symbol = input.symbol ?? rawSymbol(input.raw);
  return {
    receivedAt: input.receivedAt,
    source: input.source,
    ...(symbol === undefined ? {} : { symbol }),
    reason: input.reason,
    raw: boundedRaw(input.raw),
    detail: input.detail,
  };
}

/** What a guard decided about one input: the value to pass on, or why it was set aside. */
export type GuardResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly rejection: RejectedInput };

export interface RejectionCount {
  readonly source: string;
  readonly reason: DataRejectionReason;
  readonly count: number;
}

/**
 * Rejections counted per source and reason since the process started: the values of the
 * Prometheus counter `market_data_rejected_total{source,reason}` (monotonic, never reset).
 */
export class RejectionCounter {
  readonly #counts = new Map<string, Map<DataRejectionReason, number>>();

  add(rejection: Pick<RejectedInput, "source" | "reason">): void {
    let bySource = this.#counts.get(rejection.source);
    if (!bySource) {
      bySource = new Map();
      this.#counts.set(rejection.source, bySource);
    }
    bySource.set(rejection.reason, (bySource.get(rejection.reason) ?? 0) + 1);
  }

  count(source: string, reason: DataRejectionReason): number {
    return this.#counts.get(source)?.get(reason) ?? 0;
  }

  total(): number {
    let total = 0;
    for (const bySource of this.#counts.values()) for (const count of bySource.values()) total += count;
    return total;
  }

  /** Every non-zero count, sorted by source then reason. */
  snapshot(): RejectionCount[] {
    const counts: RejectionCount[] = [];
    for (const [source, bySource] of this.#counts) {
      for (const [reason, count] of bySource) counts.push({ source, reason, count });
    }
    return counts.sort((a, b) => a.source.localeCompare(b.source) || a.reason.localeCompare(b.reason));
  }
}
