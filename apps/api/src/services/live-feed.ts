import {
  decisionsExplainedTopic,
  type EventBus,
  type Logger,
  marketRegimesTopic,
  type PortfolioSnapshotEvent,
  type RegimeEstimateEvent,
  riskPortfolioTopic,
  type Subscription,
  type TradingDecisionEvent,
  tradingDecisionsTopic,
} from "@tradeops/core";

export type LiveEvent =
  | { readonly type: "regime"; readonly estimate: RegimeEstimateEvent }
  | { readonly type: "decision"; readonly decision: TradingDecisionEvent }
  | { readonly type: "portfolio"; readonly snapshot: PortfolioSnapshotEvent }
  | { readonly type: "explained"; readonly decisionId: string };

export interface LiveSnapshot {
  /** Symbols seen so far, sorted. */
  readonly symbols: readonly string[];
  /** Recent estimates per symbol, oldest first. */
  readonly regimes: readonly RegimeEstimateEvent[];
  /** Recent decisions, newest first. */
  readonly decisions: readonly TradingDecisionEvent[];
  readonly portfolio: PortfolioSnapshotEvent | null;
  /** Which of `decisions` forensics has explained. */
  readonly explainedIds: readonly string[];
}

/** Bounded FIFO of events for one subscriber; a subscriber that cannot keep up loses the oldest. */
class SubscriberQueue {
  private readonly items: LiveEvent[] = [];
  private wake: (() => void) | undefined;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  push(event: LiveEvent) {
    this.items.push(event);
    if (this.items.length > this.capacity) {
      this.items.shift();
      this.dropped += 1;
    }
    this.wake?.();
  }

  /** Releases a pending `next` (on abort). */
  interrupt() {
    this.wake?.();
  }

  async next(signal: AbortSignal): Promise<LiveEvent | undefined> {
    while (this.items.length === 0) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    return this.items.shift();
  }
}

/**
 * What the console's Live page watches. Each API process joins the decision, regime and portfolio
 * topics under its own consumer group (so every replica sees every event, from now on), keeps a
 * short window of each in memory for a page's first render, and fans new events out to the
 * browsers subscribed over server-sent events.
 */
export class LiveFeed {
  private readonly regimes = new Map<string, RegimeEstimateEvent[]>();
  private decisions: TradingDecisionEvent[] = [];
  private portfolio: PortfolioSnapshotEvent | null = null;
  /** Insertion-ordered, bounded: ids of recently explained decisions. */
  private readonly explained = new Set<string>();
  private readonly subscribers = new Set<SubscriberQueue>();
  private subscriptions: Subscription[] = [];

  constructor(
    private readonly options: {
      bus: EventBus;
      logger: Logger;
      groupId: string;
      regimeWindow?: number;
      decisionWindow?: number;
    },
  ) {}

  async start(): Promise<void> {
    const { bus } = this.options;
    // One group per topic: Kafka members of one group must subscribe to the same topics.
    const groupId = (topic: { name: string }) => `${this.options.groupId}.${topic.name}`;
    this.subscriptions = await Promise.all([
      bus.subscribe({
        topic: marketRegimesTopic,
        groupId: groupId(marketRegimesTopic),
        handler: async ({ payload }) => this.onRegime(payload),
      }),
      bus.subscribe({
        topic: tradingDecisionsTopic,
        groupId: groupId(tradingDecisionsTopic),
        handler: async ({ payload }) => this.onDecision(payload),
      }),
      bus.subscribe({
        topic: riskPortfolioTopic,
        groupId: groupId(riskPortfolioTopic),
        handler: async ({ payload }) => this.onPortfolio(payload),
      }),
      bus.subscribe({
        topic: decisionsExplainedTopic,
        groupId: groupId(decisionsExplainedTopic),
        handler: async ({ payload }) => this.onExplained(payload.decision_id),
      }),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.subscriptions.map((subscription) => subscription.stop()));
    this.subscriptions = [];
  }

  snapshot(symbol?: string): LiveSnapshot {
    const symbols = [...this.regimes.keys()].sort();
    const chosen = symbol ?? symbols[0];
    return {
      symbols,
      regimes: chosen === undefined ? [] : (this.regimes.get(chosen) ?? []),
      decisions: this.decisions,
      portfolio: this.portfolio,
      explainedIds: this.decisions.map((d) => d.decision_id).filter((id) => this.explained.has(id)),
    };
  }

  /** New events until `signal` aborts. */
  async *events(signal: AbortSignal): AsyncGenerator<LiveEvent> {
    const queue = new SubscriberQueue(1_000);
    const interrupt = () => queue.interrupt();
    signal.addEventListener("abort", interrupt, { once: true });
    this.subscribers.add(queue);
    try {
      for (;;) {
        const event = await queue.next(signal);
        if (event === undefined) return;
        yield event;
      }
    } finally {
      signal.removeEventListener("abort", interrupt);
      this.subscribers.delete(queue);
      if (queue.dropped > 0) this.options.logger.warn({ dropped: queue.dropped }, "a live subscriber fell behind");
    }
  }

  private onRegime(estimate: RegimeEstimateEvent) {
    const window = this.options.regimeWindow ?? 300;
    const series = this.regimes.get(estimate.symbol) ?? [];
    series.push(estimate);
    if (series.length > window) series.splice(0, series.length - window);
    this.regimes.set(estimate.symbol, series);
    this.broadcast({ type: "regime", estimate });
  }

  private onDecision(decision: TradingDecisionEvent) {
    const window = this.options.decisionWindow ?? 200;
    this.decisions = [decision, ...this.decisions].slice(0, window);
    this.broadcast({ type: "decision", decision });
  }

  private onPortfolio(snapshot: PortfolioSnapshotEvent) {
    this.portfolio = snapshot;
    this.broadcast({ type: "portfolio", snapshot });
  }

  private onExplained(decisionId: string) {
    this.explained.add(decisionId);
    // Forget the oldest once well past the decision window: ids are only looked up for recent decisions.
    const limit = (this.options.decisionWindow ?? 200) * 5;
    if (this.explained.size > limit) {
      const oldest = this.explained.values().next().value;
      if (oldest !== undefined) this.explained.delete(oldest);
    }
    this.broadcast({ type: "explained", decisionId });
  }

  private broadcast(event: LiveEvent) {
    for (const subscriber of this.subscribers) subscriber.push(event);
  }
}
