import type { Bar } from "../market/bar";
import type { Portfolio, TradeSide } from "./portfolio";
import { checkTrade, defaultRiskLimits, type RiskLimits } from "./risk-check";

export interface SimulatedExecutionOptions {
  /** Price impact against the trader, in basis points of the open; default 1. */
  readonly slippageBps?: number;
  /** Limits re-applied at the fill price (see `fillPending`); default the v1 limits. */
  readonly limits?: RiskLimits;
  /** Execution records kept for lookup by decision id, oldest dropped first; default 10,000. */
  readonly maxRecords?: number;
}

export interface OrderRequest {
  readonly decisionId: string;
  readonly symbol: string;
  readonly side: TradeSide;
  readonly quantity: number;
  /** When the decision was made (epoch ms): the order fills at the first bar of the symbol opening at or after it. */
  readonly decidedAt: number;
}

export type ExecutionStatus = "filled" | "partial" | "cancelled";

export interface ExecutionRecord {
  readonly decisionId: string;
  readonly symbol: string;
  readonly side: TradeSide;
  readonly requestedQuantity: number;
  /** Shares actually traded; 0 when cancelled. */
  readonly quantity: number;
  readonly status: ExecutionStatus;
  /** Why fewer shares than requested traded, when they did. */
  readonly reason?: string;
  /** The open of the filling bar, before slippage. */
  readonly referencePrice: number;
  /** The price paid or received per share: the open moved against the trader by the slippage. */
  readonly executionPrice: number;
  readonly slippageBps: number;
  /** What slippage cost in cash: |execution − reference| × quantity. */
  readonly slippageCost: number;
  /** Open time of the filling bar (epoch ms). */
  readonly time: number;
}

/**
 * A simulated broker for v1: an accepted BUY or SELL waits for the NEXT bar of its symbol and
 * fills at that bar's open, moved against the trader by `slippageBps` (a BUY pays
 * open·(1 + bps/10⁴), a SELL receives open·(1 − bps/10⁴)). The decision was made on the close of
 * the previous bar, so the open is the first price it could trade at.
 *
 * The price at the fill is not the one the trade was checked at, so at the fill a BUY is cut to
 * what the limits allow at the execution price (the position limit, the sector limit, the daily
 * loss limit and the cash: other symbols' fills may have spent some since) and a SELL to what is
 * held. A trade cut to nothing is cancelled and recorded as such.
 */
export class SimulatedExecution {
  readonly slippageBps: number;
  readonly #limits: RiskLimits;
  readonly #maxRecords: number;
  readonly #pending = new Map<string, OrderRequest[]>();
  readonly #records = new Map<string, ExecutionRecord>();

  constructor(options: SimulatedExecutionOptions = {}) {
    const slippageBps = options.slippageBps ?? 1;
    if (!(Number.isFinite(slippageBps) && slippageBps >= 0 && slippageBps < 10_000)) {
      throw new RangeError(`slippageBps must lie in [0, 10000), got ${slippageBps}`);
    }
    const maxRecords = options.maxRecords ?? 10_000;
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw new RangeError(`maxRecords must be a positive integer, got ${maxRecords}`);
    }
    this.slippageBps = slippageBps;
    this.#limits = options.limits ?? defaultRiskLimits;
    this.#maxRecords = maxRecords;
  }

  /** Queues an order for the symbol's next bar. */
  submit(order: OrderRequest): void {
    if (!Number.isSafeInteger(order.quantity) || order.quantity < 1) {
      throw new RangeError(`order quantity must be a positive integer, got ${order.quantity}`);
    }
    const queue = this.#pending.get(order.symbol);
    if (queue === undefined) this.#pending.set(order.symbol, [order]);
    else queue.push(order);
  }

  /** Orders of `symbol` waiting for a bar. */
  pending(symbol: string): readonly OrderRequest[] {
    return this.#pending.get(symbol) ?? [];
  }

  /**
   * Fills the symbol's waiting orders at `bar`'s open, in submission order, booking each on the
   * portfolio. Orders decided after the bar opened keep waiting. Returns what happened to each.
   */
  fillPending(bar: Bar, portfolio: Portfolio): ExecutionRecord[] {
    const queue = this.#pending.get(bar.symbol);
    if (queue === undefined) return [];
    const due = queue.filter((order) => order.decidedAt <= bar.time);
    const waiting = queue.filter((order) => order.decidedAt > bar.time);
    if (waiting.length === 0) this.#pending.delete(bar.symbol);
    else this.#pending.set(bar.symbol, waiting);
    return due.map((order) => this.#fill(order, bar, portfolio));
  }

  /** The execution of a decision, while it is among the last `maxRecords`. */
  execution(decisionId: string): ExecutionRecord | undefined {
    return this.#records.get(decisionId);
  }

  #fill(order: OrderRequest, bar: Bar, portfolio: Portfolio): ExecutionRecord {
    const direction = order.side === "BUY" ? 1 : -1;
    const executionPrice = bar.open * (1 + (direction * this.slippageBps) / 10_000);
    let quantity: number;
    let reason: string | undefined;
    if (order.side === "BUY") {
      const check = checkTrade(
        portfolio,
        { symbol: order.symbol, side: "BUY", quantity: order.quantity, price: executionPrice },
        this.#limits,
      );
      quantity = Math.min(order.quantity, check.allowed_quantity);
      if (quantity < order.quantity) reason = check.rejection_reasons.map((r) => r.code).join(",");
    } else {
      quantity = Math.min(order.quantity, portfolio.quantity(order.symbol));
      if (quantity < order.quantity) reason = "INSUFFICIENT_POSITION";
    }
    if (quantity > 0) portfolio.applyFill({ symbol: order.symbol, side: order.side, quantity, price: executionPrice });
    const record: ExecutionRecord = {
      decisionId: order.decisionId,
      symbol: order.symbol,
      side: order.side,
      requestedQuantity: order.quantity,
      quantity,
      status: quantity === 0 ? "cancelled" : quantity < order.quantity ? "partial" : "filled",
      ...(reason === undefined ? {} : { reason }),
      referencePrice: bar.open,
      executionPrice,
      slippageBps: this.slippageBps,
      slippageCost: Math.abs(executionPrice - bar.open) * quantity,
      time: bar.time,
    };
    this.#remember(record);
    return record;
  }

  #remember(record: ExecutionRecord): void {
    this.#records.set(record.decisionId, record);
    if (this.#records.size > this.#maxRecords) {
      const oldest = this.#records.keys().next();
      if (!oldest.done) this.#records.delete(oldest.value);
    }
  }
}
