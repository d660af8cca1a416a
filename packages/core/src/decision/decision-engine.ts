import { toRegimeEstimateEvent } from "../events/regime-estimate-event";
import { marketRegimesTopic, riskAlertsTopic, riskPortfolioTopic, tradingDecisionsTopic } from "../events/topics";
import type { TradingDecisionEvent } from "../events/trading-decision";
import { writeFeatureVector } from "../features/feature-cache-entry";
import { BarRejectedError, FeatureComputationError, FeaturePipeline } from "../features/feature-pipeline";
import type { FeatureVector } from "../features/feature-vector";
import { type Bar, barEndTime, type Timeframe, timeframeMs } from "../market/bar";
import type { MetaController } from "../meta/meta-controller";
import { type MetaControllerHealth, MetaControllerMonitor } from "../meta/meta-controller-monitor";
import { SpecialistPerformance } from "../meta/specialist-performance";
import {
  leadingSpecialist,
  regimeRoutingWeights,
  type StrategyWeights,
  singleStrategyWeights,
} from "../meta/strategy-weights";
import { validateWeights, type WeightAnomaly } from "../meta/weight-validation";
import type { SpecialistName } from "../models/specialist";
import type { Clock } from "../ports/clock";
import type { OutgoingEvent, TopicDefinition, TopicInput } from "../ports/event-bus";
import type { FeatureCache } from "../ports/feature-cache";
import type { Logger } from "../ports/logger";
import type { RegimeDetector, RegimeEstimate } from "../regime/regime-detector";
import type { Portfolio, TradeSide } from "../risk/portfolio";
import type { PreTradeResult } from "../risk/pre-trade-check";
import type { Reservation } from "../risk/reservations";
import { ReturnsWindow } from "../risk/returns-window";
import type { RiskLimits } from "../risk/risk-check";
import { defaultRiskLimitSet, type RiskLimitSet } from "../risk/risk-limits";
import { type ExecutionRecord, SimulatedExecution } from "../risk/simulated-execution";
import { initialTradingState } from "../risk/trading-state";
import { LiveRiskGate } from "../risk-control/live-risk-gate";
import { MarketRiskModel } from "../risk-control/market-risk-model";
import { RiskAlertMonitor } from "../risk-control/risk-alert-monitor";
import { riskStateEvent } from "../risk-control/risk-state-event";
import { type Decision, type DecisionPolicy, decide, decisionPolicySchema } from "./decide";
import type { DecisionEventSink } from "./decision-event-sink";
import { regimeObservation } from "./regime-observation";
import {
  assertSpecialistBindings,
  probabilityScore,
  type SpecialistBinding,
  type SpecialistProbabilities,
  scoreSpecialists,
} from "./specialist-scoring";
import { tradingDecisionPayload } from "./trading-decision-payload";

/** Everything the engine touches, handed to it explicitly. */
export interface DecisionEngineResources {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where each bar's feature vector is written (not awaited: a slow or absent cache never delays a decision). */
  readonly cache: FeatureCache;
  readonly events: DecisionEventSink;
  /** One loaded model per specialist (see `bindSpecialist`). */
  readonly specialists: readonly SpecialistBinding[];
  readonly regimeDetector: RegimeDetector;
  readonly metaController: MetaController;
  readonly portfolio: Portfolio;
  /**
   * The portfolio's pre-trade gate (limits, trading state, throttle, duplicates, reservations),
   * over `portfolio`. Default: a gate of the default limits, ACTIVE, with a week of returns for
   * its VaR estimator.
   */
  readonly gate?: LiveRiskGate;
  /** A new UUID per decision: `crypto.randomUUID` live, `seededDecisionIds(prng)` in replays and tests. */
  readonly newDecisionId: () => string;
  /** Default: fills at the next open with 1 bp of slippage, cut at the fill to the gate's limits then. */
  readonly execution?: SimulatedExecution;
  /** Default: 100 outputs, rollback beyond 10% corrected. */
  readonly monitor?: MetaControllerMonitor;
  /** Default: a pipeline of the registry's features. */
  readonly pipeline?: FeaturePipeline;
  /**
   * Milliseconds on a monotonic, sub-millisecond clock (`performance.now`), for processing
   * times; default the clock, whose whole milliseconds round most bars to 0.
   */
  readonly stopwatch?: () => number;
  /** The dead-letter hook: a bar the pipeline refused (nothing was updated). */
  readonly onRejectedBar?: (bar: Bar, error: BarRejectedError) => void;
  /**
   * Every simulated execution (fill, partial fill or cancellation), called in the step that
   * books it: the fill journal and the audit trail.
   */
  readonly onExecution?: (record: ExecutionRecord) => void;
}

export interface DecisionEngineOptions {
  /** The bars the engine trades on; bars of another timeframe are refused. */
  readonly timeframe: Timeframe;
  /** Key of the `risk.portfolio.v1` events. */
  readonly portfolioId: string;
  /** Thresholds and sizing; defaults θ_buy = θ_sell = 0.15, target 10% of total value. */
  readonly policy?: Partial<DecisionPolicy>;
  /**
   * Decide (and publish) on every Nth scored bar of a symbol; default 1, every bar. Scoring (and
   * so the specialists' performance) still happens every bar.
   */
  readonly decisionEveryBars?: number;
  /** Window of the specialists' recent performance, in bars; default 390. */
  readonly performanceWindow?: number;
}

/** Where a decision's strategy weights came from. */
export type WeightSource = "meta_controller" | "regime_routing" | "override";

/** One decision with everything behind it: what `onBar` returns and what `predict` serves. */
export interface DecisionOutcome {
  readonly decisionId: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Epoch ms the decision is as of: the bar's completion (live) or the request (api). */
  readonly time: number;
  readonly source: "live" | "api";
  readonly action: Decision["action"];
  readonly quantity: number;
  readonly confidence: number;
  readonly score: number;
  /** The price it was sized at: the symbol's last close. */
  readonly price: number;
  readonly decision: Decision;
  readonly regime: RegimeEstimate;
  readonly strategyWeights: StrategyWeights;
  readonly weightSource: WeightSource;
  /** What validation found wrong with the meta-controller's output (empty when valid, or not used). */
  readonly weightAnomalies: readonly WeightAnomaly[];
  readonly specialistProbabilities: SpecialistProbabilities;
  /** Specialist -> `name@version`. */
  readonly modelVersions: Readonly<Record<SpecialistName, string>>;
  /** `name@version` of the specialist with the largest weight: the spec's single `model_version`. */
  readonly modelVersion: string;
  readonly riskValidation: PreTradeResult | null;
  /** The feature vector decided on. */
  readonly features: FeatureVector;
  readonly processingTimeMs: number;
  /** The payload published on `trading.decisions.v1`. */
  readonly event: TradingDecisionEvent;
}

export interface PredictOptions {
  /** Run the pre-trade risk check (and cap the quantity by it); default true. */
  readonly riskCheck?: boolean;
  /** Put all the weight on one specialist instead of the meta-controller's blend. */
  readonly strategyOverride?: SpecialistName | null;
  /** Publish the decision on `trading.decisions.v1` (source `api`) for forensics; default true. */
  readonly publish?: boolean;
}

export type PredictionUnavailableReason = "unknown_symbol" | "warming_up" | "model_failed";

/**
 * `predict` cannot decide: the symbol was never seen (the API's 400), its features or regime are
 * still warming up, or a model failed (503).
 */
export class PredictionUnavailableError extends Error {
  constructor(
    readonly reason: PredictionUnavailableReason,
    readonly symbol: string,
    detail: string,
  ) {
    super(`no prediction for ${symbol} (${reason}): ${detail}`);
    this.name = "PredictionUnavailableError";
  }
}

interface SymbolState {
  readonly performance: SpecialistPerformance;
  lastClose: number;
  scoredBars: number;
}

interface DecideContext {
  readonly symbol: string;
  readonly vector: FeatureVector;
  readonly regime: RegimeEstimate;
  readonly probabilities: SpecialistProbabilities;
  readonly performance: Readonly<Record<SpecialistName, number>>;
  readonly price: number;
  readonly time: number;
  readonly source: "live" | "api";
  readonly riskCheck: boolean;
  readonly strategyOverride: SpecialistName | null;
  readonly started: number;
  /** Reserve the approval (an order follows) or only preview the check (the API's predict). */
  readonly reserve: boolean;
}

/**
 * The live decision path for one portfolio: bar -> features -> regime -> specialists ->
 * meta-controller -> decision -> risk check -> events, with simulated execution at the next open.
 *
 * Nothing here awaits the event bus or the feature cache: events go to a synchronous sink and the
 * cache write runs in the background, so their outages cost no latency (the only awaits are the
 * three model runs). Bars of one symbol must be passed in time order, each `onBar` awaited before
 * that symbol's next; different symbols may interleave freely.
 *
 * Meta-controller rollback (spec scenario 3): every output of the policy is validated and
 * recorded by the monitor; once it reports more than 10% of the last 100 corrected, the engine
 * stops using the policy and routes by regime instead — each specialist weighted by its regime's
 * probability — until `restoreMetaController` installs a repaired one. `status()` and each
 * outcome's `weightSource` say which is in use.
 */
export class DecisionEngine {
  readonly timeframe: Timeframe;
  readonly portfolioId: string;
  readonly policy: DecisionPolicy;
  readonly decisionEveryBars: number;
  readonly gate: LiveRiskGate;
  readonly #r: DecisionEngineResources;
  readonly #pipeline: FeaturePipeline;
  readonly #execution: SimulatedExecution;
  readonly #monitor: MetaControllerMonitor;
  readonly #stopwatch: () => number;
  readonly #performanceWindow: number;
  readonly #alerts: RiskAlertMonitor;
  /** Decision id → the reservation its order holds in the gate until it fills. */
  readonly #orderReservations = new Map<string, string>();
  readonly #symbols = new Map<string, SymbolState>();
  readonly #modelVersions: Readonly<Record<SpecialistName, string>>;
  #metaController: MetaController;
  #rolledBack = false;
  #cacheFailing = false;

  constructor(resources: DecisionEngineResources, options: DecisionEngineOptions) {
    assertSpecialistBindings(resources.specialists);
    const every = options.decisionEveryBars ?? 1;
    if (!Number.isInteger(every) || every < 1) {
      throw new RangeError(`decisionEveryBars must be a positive integer, got ${every}`);
    }
    if (options.portfolioId.length === 0) throw new RangeError("portfolioId must not be empty");
    this.timeframe = options.timeframe;
    this.portfolioId = options.portfolioId;
    this.policy = Object.freeze(decisionPolicySchema.parse(options.policy ?? {}));
    this.decisionEveryBars = every;
    this.#r = resources;
    const barMs = timeframeMs[options.timeframe];
    this.gate =
      resources.gate ??
      new LiveRiskGate({
        portfolio: resources.portfolio,
        limits: defaultRiskLimitSet,
        tradingState: initialTradingState(options.portfolioId, resources.clock.now()),
        clock: resources.clock,
        market: new MarketRiskModel(new ReturnsWindow({ intervalMs: barMs, capacity: 5 * 390 })),
        // An order fills at the next bar: its reservation must outlive one bar interval.
        reservationTtlMs: Math.max(30_000, 3 * barMs),
      });
    this.#pipeline = resources.pipeline ?? new FeaturePipeline();
    this.#execution = resources.execution ?? new SimulatedExecution({ limits: fillLimits(() => this.gate.limits) });
    this.#alerts = new RiskAlertMonitor(options.portfolioId);
    this.#monitor = resources.monitor ?? new MetaControllerMonitor({ logger: resources.logger });
    this.#stopwatch = resources.stopwatch ?? (() => resources.clock.now());
    this.#performanceWindow = options.performanceWindow ?? 390;
    this.#metaController = resources.metaController;
    const versions: Partial<Record<SpecialistName, string>> = {};
    for (const binding of resources.specialists) versions[binding.name] = `${binding.name}@${binding.version}`;
    this.#modelVersions = Object.freeze({
      bull_specialist: versions.bull_specialist ?? "",
      bear_specialist: versions.bear_specialist ?? "",
      sideways_specialist: versions.sideways_specialist ?? "",
    });
  }

  get execution(): SimulatedExecution {
    return this.#execution;
  }

  /** The live portfolio the engine checks and fills against (for the API's risk check). */
  get portfolio(): Portfolio {
    return this.#r.portfolio;
  }

  /** The limit set in force (the gate's). */
  get riskLimits(): RiskLimitSet {
    return this.gate.limits;
  }

  /** The symbol's last close seen, or undefined before its first bar. */
  lastPrice(symbol: string): number | undefined {
    return this.gate.lastPrice(symbol);
  }

  /** The symbol's latest feature vector, or undefined before its first bar. */
  latestFeatures(symbol: string): FeatureVector | undefined {
    return this.#pipeline.latest(symbol, this.timeframe);
  }

  /** Whether the meta-controller is rolled back, and how its outputs have fared. */
  status(): {
    readonly rolledBack: boolean;
    readonly metaControllerVersion: string;
    readonly monitor: MetaControllerHealth;
  } {
    return {
      rolledBack: this.#rolledBack,
      metaControllerVersion: this.#metaController.version,
      monitor: this.#monitor.health(),
    };
  }

  /** Installs a (repaired) meta-controller and leaves regime-based routing. */
  restoreMetaController(controller: MetaController): void {
    this.#metaController = controller;
    this.#monitor.reset();
    this.#rolledBack = false;
    this.#r.logger.info({ version: controller.version }, "meta-controller restored");
  }

  /**
   * Takes the next bar of a symbol: features (written to the cache), regime (published on
   * `market.regimes.v1`), fills of the symbol's pending orders at this bar's open, marks, the
   * specialists' performance; then, once every feature the specialists need and the regime are
   * warm, scores the specialists and — every `decisionEveryBars` scored bars — decides, checks
   * risk, queues the trade for the next open and publishes the decision and the portfolio's risk
   * state. Returns the decision, or null when there is none for this bar.
   */
  async onBar(bar: Bar): Promise<DecisionOutcome | null> {
    const started = this.#stopwatch();
    const vector = this.#takeBar(bar);
    if (vector === undefined) return null;
    const { portfolio, regimeDetector } = this.#r;
    const time = barEndTime(bar);
    const state = this.#state(bar.symbol);

    portfolio.advanceTo(bar.time);
    const executions = this.#execution.fillPending(bar, portfolio);
    // In the step that booked the fills: the gate hands the reservations back, so no check sees
    // the shares twice (reserved and held) or not at all.
    for (const record of executions) this.#settle(record);
    if (executions.some((record) => record.quantity > 0)) this.#scanAlerts("fill", bar.time);
    portfolio.markToMarket(bar.symbol, bar.close);
    this.gate.observeBar(bar);
    if (portfolio.quantity(bar.symbol) > 0) this.#scanAlerts("price", time);
    state.performance.observe(bar.close);
    state.lastClose = bar.close;

    const observation = regimeObservation(vector);
    if (observation === undefined) return null;
    let regime: RegimeEstimate;
    try {
      regime = regimeDetector.update(bar.symbol, time, observation);
    } catch (error) {
      // The detector already has this time for the symbol (it was warmed elsewhere): skip, do not crash the loop.
      this.#r.logger.error({ symbol: bar.symbol, time, error: String(error) }, "regime update refused: no decision");
      return null;
    }
    this.#publish(marketRegimesTopic, [
      { key: bar.symbol, payload: toRegimeEstimateEvent(regime, this.timeframe), timestamp: time },
    ]);
    if (!regimeDetector.isReady(bar.symbol)) return null;

    let probabilities: SpecialistProbabilities | undefined;
    try {
      probabilities = await scoreSpecialists(this.#r.specialists, vector.features);
    } catch (error) {
      this.#r.logger.error(
        { symbol: bar.symbol, time, error: String(error) },
        "specialist scoring failed: no decision",
      );
      return null;
    }
    if (probabilities === undefined) return null;
    const performance = state.performance.ratios();
    state.performance.hold({
      bull_specialist: probabilityScore(probabilities.bull_specialist),
      bear_specialist: probabilityScore(probabilities.bear_specialist),
      sideways_specialist: probabilityScore(probabilities.sideways_specialist),
    });
    state.scoredBars += 1;
    if ((state.scoredBars - 1) % this.decisionEveryBars !== 0) return null;

    const outcome = this.#decide({
      symbol: bar.symbol,
      vector,
      regime,
      probabilities,
      performance,
      price: bar.close,
      time,
      source: "live",
      riskCheck: true,
      strategyOverride: null,
      started,
      reserve: true,
    });
    if (outcome.action !== "HOLD") {
      const reservation = outcome.reservation;
      if (reservation === null) {
        this.#r.logger.warn({ decision: outcome.decisionId }, "trade without a reservation not placed");
      } else {
        this.#orderReservations.set(outcome.decisionId, reservation.id);
        this.#execution.submit({
          decisionId: outcome.decisionId,
          symbol: bar.symbol,
          side: outcome.action,
          quantity: outcome.quantity,
          decidedAt: time,
        });
      }
    }
    this.#publish(tradingDecisionsTopic, [{ key: bar.symbol, payload: outcome.event, timestamp: time }]);
    this.#publish(riskPortfolioTopic, [{ key: this.portfolioId, payload: this.riskState(time), timestamp: time }]);
    return outcome;
  }

  /**
   * Takes a bar from before the engine (re)started, to warm up: the features, the regime filter,
   * the specialists' performance and the gate's market model learn from it as from a live bar,
   * and nothing else happens — no cache write, no fill, mark or alert on the portfolio (its state
   * is restored, not replayed), nothing published, no decision. Bars come in time order, before
   * any live bar of their symbol; a bar the pipeline refuses is skipped quietly. Returns whether
   * the bar was taken.
   */
  async warmUp(bar: Bar): Promise<boolean> {
    if (bar.timeframe !== this.timeframe) return false;
    let vector: FeatureVector;
    try {
      vector = this.#pipeline.update(bar);
    } catch (error) {
      if (error instanceof BarRejectedError || error instanceof FeatureComputationError) return false;
      throw error;
    }
    const state = this.#state(bar.symbol);
    this.gate.observeBar(bar);
    state.performance.observe(bar.close);
    state.lastClose = bar.close;
    const observation = regimeObservation(vector);
    if (observation === undefined) return true;
    const { regimeDetector } = this.#r;
    try {
      regimeDetector.update(bar.symbol, barEndTime(bar), observation);
    } catch {
      // The detector has this time already: it learnt nothing new from the bar.
      return true;
    }
    if (!regimeDetector.isReady(bar.symbol)) return true;
    const probabilities = await scoreSpecialists(this.#r.specialists, vector.features).catch(() => undefined);
    if (probabilities === undefined) return true;
    state.performance.hold({
      bull_specialist: probabilityScore(probabilities.bull_specialist),
      bear_specialist: probabilityScore(probabilities.bear_specialist),
      sideways_specialist: probabilityScore(probabilities.sideways_specialist),
    });
    return true;
  }

  /**
   * The decision for `symbol` now, on its latest features and regime, for the REST API. Runs the
   * same logic as `onBar` without advancing anything: no bar is taken, no order is queued, the
   * specialists' performance is read but not updated. The meta-controller's output is validated
   * and counted by the monitor like any other. Publishes the decision (source `api`) unless told
   * not to. Throws PredictionUnavailableError when it cannot decide.
   */
  async predict(symbol: string, options: PredictOptions = {}): Promise<DecisionOutcome> {
    const started = this.#stopwatch();
    const state = this.#symbols.get(symbol);
    const vector = this.#pipeline.latest(symbol, this.timeframe);
    if (state === undefined || vector === undefined) {
      throw new PredictionUnavailableError("unknown_symbol", symbol, `no ${this.timeframe} bars seen`);
    }
    const regime = this.#r.regimeDetector.latest(symbol);
    if (regime === null || !this.#r.regimeDetector.isReady(symbol)) {
      throw new PredictionUnavailableError("warming_up", symbol, "the regime filter is not warm yet");
    }
    let probabilities: SpecialistProbabilities | undefined;
    try {
      probabilities = await scoreSpecialists(this.#r.specialists, vector.features);
    } catch (error) {
      throw new PredictionUnavailableError("model_failed", symbol, String(error));
    }
    if (probabilities === undefined) {
      throw new PredictionUnavailableError("warming_up", symbol, "some features the specialists need are not warm yet");
    }
    const time = this.#r.clock.now();
    const outcome = this.#decide({
      symbol,
      vector,
      regime,
      probabilities,
      performance: state.performance.ratios(),
      price: state.lastClose,
      time,
      source: "api",
      riskCheck: options.riskCheck ?? true,
      strategyOverride: options.strategyOverride ?? null,
      started,
      reserve: false,
    });
    if (options.publish ?? true) {
      this.#publish(tradingDecisionsTopic, [{ key: symbol, payload: outcome.event, timestamp: time }]);
    }
    return outcome;
  }

  /** The `risk.portfolio.v1` payload now, with the risk metrics when given. */
  riskState(time: number, metrics?: Parameters<typeof riskStateEvent>[1]["metrics"]) {
    return riskStateEvent(this.#r.portfolio, {
      portfolioId: this.portfolioId,
      time,
      limits: this.gate.limits,
      tradingState: this.gate.tradingState.state,
      ...(metrics === undefined ? {} : { metrics }),
    });
  }

  /**
   * Shares a BUY of `symbol` may add before the position or its sector reaches its alert level
   * (23% and 46% by default). The engine stops building there: a book filled up to a hard limit
   * would breach it on the next uptick, and every such breach is a CRITICAL alert.
   */
  #buyHeadroom(symbol: string, price: number): number {
    const { portfolio } = this.#r;
    const { positionWarnShare, sectorWarnShare } = this.gate.limits;
    const total = portfolio.totalValue();
    const sector = portfolio.sectorOf(symbol);
    let held = 0;
    let sectorValue = 0;
    for (const holding of portfolio.holdings()) {
      const value = holding.quantity * holding.lastPrice;
      if (holding.symbol === symbol) held = value;
      if (sector !== undefined && portfolio.sectorOf(holding.symbol) === sector) sectorValue += value;
    }
    const positionRoom = positionWarnShare * total - held;
    const sectorRoom = sector === undefined ? Number.POSITIVE_INFINITY : sectorWarnShare * total - sectorValue;
    return Math.max(0, Math.min(positionRoom, sectorRoom) / price);
  }

  /** Settles an order's reservation with its execution, then reports the execution. */
  #settle(record: ExecutionRecord): void {
    const reservationId = this.#orderReservations.get(record.decisionId);
    this.#orderReservations.delete(record.decisionId);
    if (reservationId !== undefined) {
      const open = this.gate.reservations().some((r) => r.id === reservationId);
      if (!open) {
        this.#r.logger.warn({ decision: record.decisionId }, "order filled after its reservation expired");
      } else if (record.quantity > 0 && this.gate.fill(reservationId, record.quantity) > 0) {
        this.gate.cancel(reservationId);
      } else if (record.quantity === 0) {
        this.gate.cancel(reservationId);
      }
    }
    this.#r.onExecution?.(record);
  }

  #scanAlerts(trigger: "fill" | "price", time: number): void {
    const alerts = this.#alerts.scan(this.#r.portfolio, this.gate.limits, trigger, time);
    if (alerts.length === 0) return;
    for (const alert of alerts) {
      if (alert.severity === "CRITICAL") this.#r.logger.error({ alert }, "risk limit breach not blocked");
      else this.#r.logger.warn({ alert }, "risk alert");
    }
    this.#publish(
      riskAlertsTopic,
      alerts.map((payload) => ({ key: this.portfolioId, payload, timestamp: time })),
    );
  }

  /** The bar's feature vector, or undefined when the bar was refused (and dead-lettered). */
  #takeBar(bar: Bar): FeatureVector | undefined {
    if (bar.timeframe !== this.timeframe) {
      this.#reject(bar, new BarRejectedError("wrong-series", bar, `this engine trades ${this.timeframe} bars`));
      return undefined;
    }
    let vector: FeatureVector;
    try {
      vector = this.#pipeline.update(bar);
    } catch (error) {
      if (error instanceof BarRejectedError) {
        this.#reject(bar, error);
        return undefined;
      }
      if (error instanceof FeatureComputationError) {
        // A defect in a feature's definition: the series has taken the bar, but no vector exists.
        this.#r.logger.error(
          { symbol: bar.symbol, time: bar.time, error: error.message },
          "feature computation failed",
        );
        return undefined;
      }
      throw error;
    }
    this.#writeCache(vector);
    return vector;
  }

  #reject(bar: Bar, error: BarRejectedError): void {
    this.#r.logger.warn({ symbol: bar.symbol, time: bar.time, reason: error.reason }, "bar rejected");
    this.#r.onRejectedBar?.(bar, error);
  }

  #writeCache(vector: FeatureVector): void {
    writeFeatureVector(this.#r.cache, vector).then(
      () => {
        if (this.#cacheFailing) {
          this.#cacheFailing = false;
          this.#r.logger.info("feature cache writes succeed again");
        }
      },
      (error: unknown) => {
        // Logged once per outage, not once per bar: serving goes on without the cache.
        if (!this.#cacheFailing) {
          this.#cacheFailing = true;
          this.#r.logger.warn({ error: String(error) }, "feature cache write failed; continuing without the cache");
        }
      },
    );
  }

  #state(symbol: string): SymbolState {
    let state = this.#symbols.get(symbol);
    if (state === undefined) {
      state = {
        performance: new SpecialistPerformance({ window: this.#performanceWindow }),
        lastClose: 0,
        scoredBars: 0,
      };
      this.#symbols.set(symbol, state);
    }
    return state;
  }

  #weights(context: DecideContext): {
    weights: StrategyWeights;
    source: WeightSource;
    anomalies: readonly WeightAnomaly[];
  } {
    const { regime } = context;
    if (context.strategyOverride !== null) {
      return { weights: singleStrategyWeights(context.strategyOverride), source: "override", anomalies: [] };
    }
    if (this.#rolledBack) {
      return {
        weights: validateWeights(regimeRoutingWeights(regime)).weights,
        source: "regime_routing",
        anomalies: [],
      };
    }
    const input = {
      regime: { bull: regime.bull, bear: regime.bear, sideways: regime.sideways },
      entropy: regime.entropy,
      performance: context.performance,
    };
    const raw = this.#metaController.weights(input);
    const validation = validateWeights(raw);
    this.#monitor.record(validation, {
      symbol: context.symbol,
      time: context.time,
      source: context.source,
      input,
      raw,
      metaControllerVersion: this.#metaController.version,
      theta: this.#metaController.params.theta,
    });
    if (this.#monitor.shouldRollBack && !this.#rolledBack) {
      this.#rolledBack = true;
      this.#r.logger.error(
        { metaControllerVersion: this.#metaController.version, monitor: this.#monitor.health() },
        "meta-controller rolled back: routing by regime until a repaired controller is installed",
      );
    }
    return { weights: validation.weights, source: "meta_controller", anomalies: validation.anomalies };
  }

  #decide(context: DecideContext): DecisionOutcome & { readonly reservation: Reservation | null } {
    const { symbol, price, time } = context;
    const { portfolio } = this.#r;
    const { weights, source, anomalies } = this.#weights(context);
    // The last check's reservation: decide() checks the sized trade and, refused, the allowed
    // quantity; the trade made is the one of the last (approved) check.
    let reservation: Reservation | null = null;
    const check = (side: TradeSide, quantity: number): PreTradeResult => {
      // A client per symbol: the throttle limits a client's message rate, and one bar may bring
      // a decision for every symbol at once.
      const proposal = { symbol, side, quantity, price, clientId: `decision-engine:${symbol}` };
      if (!context.reserve) return this.gate.preview(proposal);
      const decided = this.gate.check(proposal);
      reservation = decided.reservation;
      return decided.result;
    };
    const decision = decide({
      probabilities: context.probabilities,
      weights,
      price,
      totalValue: portfolio.totalValue(),
      heldQuantity: portfolio.quantity(symbol),
      maxBuyQuantity: this.#buyHeadroom(symbol, price),
      policy: this.policy,
      ...(context.riskCheck ? { riskCheck: check } : {}),
    });
    const decisionId = this.#r.newDecisionId();
    const processingTimeMs = Math.max(0, this.#stopwatch() - context.started);
    const event = tradingDecisionPayload({
      decisionId,
      time,
      symbol,
      decision,
      price,
      regime: context.regime,
      weights,
      features: context.vector.features,
      modelVersions: this.#modelVersions,
      processingTimeMs,
      source: context.source,
    });
    return {
      decisionId,
      symbol,
      timeframe: this.timeframe,
      time,
      source: context.source,
      action: decision.action,
      quantity: decision.quantity,
      confidence: decision.confidence,
      score: decision.score,
      price,
      decision,
      regime: context.regime,
      strategyWeights: weights,
      weightSource: source,
      weightAnomalies: anomalies,
      specialistProbabilities: context.probabilities,
      modelVersions: this.#modelVersions,
      modelVersion: this.#modelVersions[leadingSpecialist(weights)],
      riskValidation: decision.riskValidation,
      features: context.vector,
      processingTimeMs,
      event,
      reservation,
    };
  }

  /** Hands events to the sink; a sink that throws loses the events, never the decision. */
  #publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): void {
    try {
      this.#r.events.publish(topic, events);
    } catch (error) {
      this.#r.logger.error({ topic: topic.name, error: String(error) }, "event sink refused events");
    }
  }
}

/**
 * The v1 limits the simulated execution re-applies at the fill price, read from the gate's limit
 * set at each fill (so a revision applies to orders already queued).
 */
function fillLimits(current: () => RiskLimitSet): RiskLimits {
  return {
    get maxPositionShare() {
      return current().maxPositionShare;
    },
    get positionWarningShare() {
      return current().positionWarnShare;
    },
    get maxSectorShare() {
      return current().maxSectorShare;
    },
    get sectorWarningShare() {
      return current().sectorWarnShare;
    },
    get maxDailyLoss() {
      return current().maxDailyLossShare;
    },
  };
}
