import type { Bar, RejectedInput } from "@tradeops/core";
import type { MarketSourceSink } from "./market-source";

/** Test support: a sink that keeps what a source delivers, with the wall time of each delivery. */
export class RecordingSink implements MarketSourceSink {
  readonly deliveries: { readonly at: number; readonly bars: readonly Bar[]; readonly backfill: boolean }[] = [];
  readonly rejections: RejectedInput[] = [];
  /** What `bars` returns: a test may make the source wait. */
  wait: (() => Promise<void>) | undefined;

  bars(bars: readonly Bar[], options: { readonly backfill?: boolean } = {}): void | Promise<void> {
    this.deliveries.push({ at: Date.now(), bars: [...bars], backfill: options.backfill ?? false });
    return this.wait?.();
  }

  rejected(rejection: RejectedInput): void {
    this.rejections.push(rejection);
  }

  get allBars(): Bar[] {
    return this.deliveries.flatMap((delivery) => delivery.bars);
  }

  reasons(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { reason } of this.rejections) counts[reason] = (counts[reason] ?? 0) + 1;
    return counts;
  }
}
