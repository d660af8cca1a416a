import type { Bar } from "../market/bar";
import type { Clock } from "../ports/clock";
import type { RiskPortfolioView } from "../risk/portfolio";
import type { PreTradeProposal, PreTradeResult } from "../risk/pre-trade-check";
import { type GateDecision, type MarketInputs, PreTradeGate } from "../risk/pre-trade-gate";
import type { Reservation } from "../risk/reservations";
import type { RiskLimitSet } from "../risk/risk-limits";
import type { TradingStateRecord } from "../risk/trading-state";
import type { MarketRiskModel } from "./market-risk-model";
import type { RiskControls } from "./risk-controls";

export interface LiveRiskGateOptions {
  readonly portfolio: RiskPortfolioView;
  readonly limits: RiskLimitSet;
  readonly tradingState: TradingStateRecord;
  readonly clock: Clock;
  /** Where the VaR estimator and correlations come from; absent, the VaR limit is not evaluated. */
  readonly market?: MarketRiskModel;
  /** How long an approval holds its exposure without a fill or cancellation (see `PreTradeGate`). */
  readonly reservationTtlMs?: number;
}

/**
 * The pre-trade gate of a live portfolio with its market inputs: the last price of every symbol
 * (the price collar's reference) and the VaR estimator and correlations of the market risk model,
 * both fed from the bars the decision engine sees (`observeBar`). It follows the portfolio's risk
 * controls (`follow`): a limit revision or trading-state change applies to the next check.
 *
 * `check` reserves an approval (the decision engine's orders, POST /api/v1/risk/check); `preview`
 * answers the same question against the same state without reserving, counting against the
 * throttle or being remembered as a possible duplicate (the predict path, which places no order).
 * `suspend` refuses everything locally, e.g. while this process is not the portfolio's single
 * writer.
 */
export class LiveRiskGate {
  readonly #gate: PreTradeGate;
  readonly #portfolio: RiskPortfolioView;
  readonly #market: MarketRiskModel | undefined;
  readonly #lastPrices = new Map<string, number>();
  #controlled: TradingStateRecord;
  #suspension: string | null = null;

  constructor(options: LiveRiskGateOptions) {
    this.#portfolio = options.portfolio;
    this.#market = options.market;
    this.#controlled = options.tradingState;
    this.#gate = new PreTradeGate({
      portfolio: options.portfolio,
      limits: options.limits,
      tradingState: options.tradingState,
      clock: options.clock,
      ...(options.reservationTtlMs === undefined ? {} : { reservationTtlMs: options.reservationTtlMs }),
    });
  }

  get portfolio(): RiskPortfolioView {
    return this.#portfolio;
  }

  get limits(): RiskLimitSet {
    return this.#gate.limits;
  }

  /** The trading state in force (HALTED while suspended). */
  get tradingState(): TradingStateRecord {
    return this.#gate.tradingState;
  }

  /** Why the gate refuses everything locally, or null. */
  get suspension(): string | null {
    return this.#suspension;
  }

  /** Applies the controls now and on every later change; returns the function that stops following. */
  follow(controls: RiskControls): () => void {
    return controls.onChange((limits, state) => {
      this.#gate.setLimits(limits);
      this.#controlled = state;
      if (this.#suspension === null) this.#gate.setTradingState(state);
    });
  }

  /** Refuses every order (TRADING_HALTED) until `resume`, whatever the controls say. */
  suspend(reason: string): void {
    this.#suspension = reason;
    this.#gate.setTradingState({
      ...this.#controlled,
      state: "HALTED",
      setBy: "system:risk-gate",
      role: "system",
      reason,
    });
  }

  resume(): void {
    this.#suspension = null;
    this.#gate.setTradingState(this.#controlled);
  }

  /** Takes a bar's close: the symbol's last price and a return for the risk model. */
  observeBar(bar: Pick<Bar, "symbol" | "time" | "close">): void {
    this.#lastPrices.set(bar.symbol, bar.close);
    this.#market?.observe(bar.symbol, bar.time, bar.close);
  }

  lastPrice(symbol: string): number | undefined {
    return this.#lastPrices.get(symbol);
  }

  /**
   * The market inputs for an order of `symbol` against `view` (default the live portfolio): the
   * last price, and the VaR estimator and correlations over every symbol held, pending or traded.
   */
  marketInputs(symbol: string, view: RiskPortfolioView = this.#portfolio, lastPrice?: number): MarketInputs {
    const price = lastPrice ?? this.#lastPrices.get(symbol);
    const symbols = new Set<string>([symbol]);
    for (const holding of view.holdings()) symbols.add(holding.symbol);
    if (view === this.#portfolio) {
      for (const symbol of this.#gate.reservedBuySymbols()) symbols.add(symbol);
    }
    const model = this.#market?.inputsFor(symbols);
    return {
      ...(price === undefined ? {} : { lastPrice: price }),
      ...(model === undefined ? {} : { varEstimate: model.varEstimate, correlation: model.correlation }),
    };
  }

  /** Checks an order and reserves its exposure when approved (see `PreTradeGate.check`). */
  check(proposal: PreTradeProposal): GateDecision {
    return this.#gate.check(proposal, this.marketInputs(proposal.symbol));
  }

  /** The answer `check` would give now, reserving and recording nothing. */
  preview(proposal: PreTradeProposal): PreTradeResult {
    return this.#gate.preview(proposal, this.marketInputs(proposal.symbol));
  }

  reservations(): Reservation[] {
    return this.#gate.reservations();
  }

  /** Takes filled shares out of a reservation; call in the same step as booking the fill. */
  fill(reservationId: string, quantity: number): number {
    return this.#gate.fill(reservationId, quantity);
  }

  cancel(reservationId: string): boolean {
    return this.#gate.cancel(reservationId);
  }
}
