import {
  type EventBus,
  type Logger,
  type PortfolioSnapshotEvent,
  type RiskAlertEvent,
  riskAlertsTopic,
  riskPortfolioTopic,
  type Subscription,
} from "@tradeops/core";

/**
 * The portfolio's latest risk state (the periodic `risk.portfolio.v1` events that carry the risk
 * metrics and HRP targets) and its recent alerts (`risk.alerts.v1`), for GET /api/v1/risk/state,
 * /risk/hrp, /risk/alerts and the console. Each API process follows both topics under groups of
 * its own, so every replica sees every event.
 */
export class RiskFeed {
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #groupId: string;
  readonly #maxAlerts: number;
  #state: PortfolioSnapshotEvent | null = null;
  #alerts: RiskAlertEvent[] = [];
  #subscriptions: Subscription[] = [];

  constructor(options: { bus: EventBus; logger: Logger; groupId: string; maxAlerts?: number }) {
    this.#bus = options.bus;
    this.#logger = options.logger;
    this.#groupId = options.groupId;
    this.#maxAlerts = options.maxAlerts ?? 100;
  }

  async start(): Promise<void> {
    // One group per topic: Kafka members of one group must subscribe to the same topics.
    this.#subscriptions = [
      await this.#bus.subscribe({
        topic: riskPortfolioTopic,
        groupId: `${this.#groupId}-state`,
        handler: async ({ payload }) => this.takeState(payload),
      }),
      await this.#bus.subscribe({
        topic: riskAlertsTopic,
        groupId: `${this.#groupId}-alerts`,
        handler: async ({ payload }) => this.takeAlert(payload),
      }),
    ];
  }

  /** Keeps the newest state that carries risk metrics (the per-decision events do not). */
  takeState(event: PortfolioSnapshotEvent): void {
    if (event.risk_metrics === undefined) return;
    if (this.#state !== null && Date.parse(event.timestamp) < Date.parse(this.#state.timestamp)) return;
    this.#state = event;
  }

  takeAlert(alert: RiskAlertEvent): void {
    if (this.#alerts.some((known) => known.alert_id === alert.alert_id)) return;
    this.#alerts = [alert, ...this.#alerts].slice(0, this.#maxAlerts);
    if (alert.severity === "CRITICAL") this.#logger.error({ alert }, "risk limit breach not blocked");
  }

  get state(): PortfolioSnapshotEvent | null {
    return this.#state;
  }

  /** Newest first. */
  get alerts(): readonly RiskAlertEvent[] {
    return this.#alerts;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#subscriptions.map((subscription) => subscription.stop()));
    this.#subscriptions = [];
  }
}
