import type { PortfolioState } from "../events/portfolio-snapshot-event";

const DAY_MS = 24 * 60 * 60 * 1000;

export type TradeSide = "BUY" | "SELL";

/** A trade that happened: `quantity` whole shares at `price` each (slippage included). */
export interface Fill {
  readonly symbol: string;
  readonly side: TradeSide;
  readonly quantity: number;
  readonly price: number;
}

/** What the risk check reads of a holding. */
export interface Holding {
  readonly symbol: string;
  readonly quantity: number;
  /** The latest mark (or fill price) the holding is valued at. */
  readonly lastPrice: number;
}

/**
 * The portfolio as the risk check sees it: cash, the holdings at their latest marks, the day's
 * opening value and each symbol's sector. `Portfolio` is one; the API can build one from a
 * client-supplied `portfolio_state` (see `staticPortfolioView`).
 */
export interface RiskPortfolioView {
  readonly cash: number;
  readonly dayOpenValue: number;
  holdings(): Iterable<Holding>;
  /** Undefined for a symbol of unknown sector: the sector limit then does not apply to it. */
  sectorOf(symbol: string): string | undefined;
}

export interface PositionView extends Holding {
  readonly averageCost: number;
  readonly marketValue: number;
  /** Market value over the portfolio's total value. */
  readonly share: number;
  readonly unrealisedPnl: number;
}

export interface PortfolioOptions {
  readonly startingCash: number;
  /** Symbol -> sector (e.g. from the universe, see `sectorMap`); symbols absent have no sector limit. */
  readonly sectors?: Readonly<Record<string, string>>;
}

/**
 * Everything a `Portfolio` holds, as plain data: what a snapshot persists and `Portfolio.fromState`
 * restores exactly (the sector map is configuration, given again on restore).
 */
export interface PortfolioStateRecord {
  readonly startingCash: number;
  readonly cash: number;
  readonly realisedPnl: number;
  readonly dayOpenValue: number;
  /** The UTC day (epoch days) the opening value belongs to; null before the first `advanceTo`. */
  readonly day: number | null;
  readonly asOf: number | null;
  /** In insertion order (the order `holdings()` yields). */
  readonly positions: readonly {
    readonly symbol: string;
    readonly quantity: number;
    readonly averageCost: number;
    readonly lastPrice: number;
  }[];
}

interface MutablePosition {
  quantity: number;
  averageCost: number;
  lastPrice: number;
}

/**
 * The in-memory portfolio v1: cash and long positions with average-cost accounting.
 *
 * - A BUY adds to the position at the fill price: the average cost becomes
 *   (q·avg + q'·p) / (q + q'), cash falls by q'·p. Buying more than the cash pays for is refused
 *   (no leverage in v1).
 * - A SELL realises (p − avg) per share sold; the average cost of what remains is unchanged. No
 *   shorting: selling more than is held is refused. A position sold to zero disappears.
 * - A fill also marks the symbol at its price.
 * - The day's opening value is the total value when the current UTC day began: `advanceTo(time)`
 *   with a time on a later UTC day resets it from the value at that moment (the previous marks),
 *   so call it before marking with the new day's prices. Daily P&L = total value − opening value.
 *
 * Time comes only from `advanceTo`: the portfolio never reads a clock.
 */
export class Portfolio implements RiskPortfolioView {
  readonly startingCash: number;
  readonly #positions = new Map<string, MutablePosition>();
  readonly #sectors: Readonly<Record<string, string>>;
  #cash: number;
  #realisedPnl = 0;
  #dayOpenValue: number;
  #day: number | undefined;
  #asOf: number | undefined;

  constructor(options: PortfolioOptions) {
    const { startingCash } = options;
    if (!(Number.isFinite(startingCash) && startingCash > 0)) {
      throw new RangeError(`startingCash must be finite and positive, got ${startingCash}`);
    }
    this.startingCash = startingCash;
    this.#cash = startingCash;
    this.#dayOpenValue = startingCash;
    this.#sectors = { ...options.sectors };
  }

  get cash(): number {
    return this.#cash;
  }

  get realisedPnl(): number {
    return this.#realisedPnl;
  }

  get dayOpenValue(): number {
    return this.#dayOpenValue;
  }

  /** The latest time passed to `advanceTo`, if any. */
  get asOf(): number | undefined {
    return this.#asOf;
  }

  sectorOf(symbol: string): string | undefined {
    return this.#sectors[symbol];
  }

  /** Cash plus every position at its latest mark. */
  totalValue(): number {
    let total = this.#cash;
    for (const position of this.#positions.values()) total += position.quantity * position.lastPrice;
    return total;
  }

  dailyPnl(): number {
    return this.totalValue() - this.#dayOpenValue;
  }

  /** The day's loss as a fraction of its opening value; 0 on a day that is up. */
  dailyLossFraction(): number {
    return Math.max(0, -this.dailyPnl() / this.#dayOpenValue);
  }

  *holdings(): Iterable<Holding> {
    for (const [symbol, position] of this.#positions) {
      yield { symbol, quantity: position.quantity, lastPrice: position.lastPrice };
    }
  }

  quantity(symbol: string): number {
    return this.#positions.get(symbol)?.quantity ?? 0;
  }

  position(symbol: string): PositionView | undefined {
    const position = this.#positions.get(symbol);
    return position === undefined ? undefined : view(symbol, position, this.totalValue());
  }

  positions(): PositionView[] {
    const total = this.totalValue();
    return [...this.#positions].map(([symbol, position]) => view(symbol, position, total));
  }

  /**
   * Moves the portfolio's notion of "now" to `time` (epoch ms). Entering a later UTC day resets
   * the day's opening value from the current total value; returns whether it did. Earlier times
   * change nothing (bars of one interval arrive in any order).
   */
  advanceTo(time: number): boolean {
    if (!Number.isFinite(time)) throw new RangeError(`time must be finite, got ${time}`);
    const day = Math.floor(time / DAY_MS);
    if (this.#asOf === undefined || time > this.#asOf) this.#asOf = time;
    if (this.#day === undefined) {
      this.#day = day;
      return false;
    }
    if (day <= this.#day) return false;
    this.#day = day;
    this.#dayOpenValue = this.totalValue();
    return true;
  }

  /** Values the position in `symbol` (if any) at `price`. */
  markToMarket(symbol: string, price: number): void {
    assertPrice(price);
    const position = this.#positions.get(symbol);
    if (position !== undefined) position.lastPrice = price;
  }

  /** Books a fill; returns the P&L it realised (0 for a BUY). Throws, changing nothing, on an impossible fill. */
  applyFill(fill: Fill): number {
    const { symbol, side, quantity, price } = fill;
    assertPrice(price);
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new RangeError(`fill quantity must be a positive integer, got ${quantity}`);
    }
    const position = this.#positions.get(symbol);
    if (side === "BUY") {
      const cost = quantity * price;
      // A relative hair of tolerance: the risk check sized the order with the same product.
      if (cost > this.#cash * (1 + 1e-12)) {
        throw new RangeError(`BUY ${quantity} ${symbol} at ${price} costs ${cost}, cash is ${this.#cash}`);
      }
      this.#cash -= cost;
      if (position === undefined) {
        this.#positions.set(symbol, { quantity, averageCost: price, lastPrice: price });
      } else {
        const held = position.quantity;
        position.averageCost = (held * position.averageCost + cost) / (held + quantity);
        position.quantity = held + quantity;
        position.lastPrice = price;
      }
      return 0;
    }
    const held = position?.quantity ?? 0;
    if (position === undefined || quantity > held) {
      throw new RangeError(`SELL ${quantity} ${symbol}: only ${held} held and v1 does not sell short`);
    }
    const realised = quantity * (price - position.averageCost);
    this.#cash += quantity * price;
    this.#realisedPnl += realised;
    position.lastPrice = price;
    position.quantity = held - quantity;
    if (position.quantity === 0) this.#positions.delete(symbol);
    return realised;
  }

  /** Everything the portfolio holds, as plain data (see `fromState`). */
  state(): PortfolioStateRecord {
    return {
      startingCash: this.startingCash,
      cash: this.#cash,
      realisedPnl: this.#realisedPnl,
      dayOpenValue: this.#dayOpenValue,
      day: this.#day ?? null,
      asOf: this.#asOf ?? null,
      positions: [...this.#positions].map(([symbol, p]) => ({
        symbol,
        quantity: p.quantity,
        averageCost: p.averageCost,
        lastPrice: p.lastPrice,
      })),
    };
  }

  /** The portfolio `state()` described, exactly: restoring and reading back gives an equal record. */
  static fromState(
    state: PortfolioStateRecord,
    options: { readonly sectors?: Readonly<Record<string, string>> } = {},
  ): Portfolio {
    const portfolio = new Portfolio({ startingCash: state.startingCash, ...options });
    if (!Number.isFinite(state.cash)) throw new RangeError(`cash must be finite, got ${state.cash}`);
    portfolio.#cash = state.cash;
    portfolio.#realisedPnl = state.realisedPnl;
    portfolio.#dayOpenValue = state.dayOpenValue;
    portfolio.#day = state.day ?? undefined;
    portfolio.#asOf = state.asOf ?? undefined;
    for (const p of state.positions) {
      if (!Number.isSafeInteger(p.quantity) || p.quantity <= 0) {
        throw new RangeError(`position ${p.symbol}: quantity must be a positive integer, got ${p.quantity}`);
      }
      assertPrice(p.lastPrice);
      portfolio.#positions.set(p.symbol, { quantity: p.quantity, averageCost: p.averageCost, lastPrice: p.lastPrice });
    }
    return portfolio;
  }

  /** The spec's risk-state `portfolio` part. */
  snapshot(): PortfolioState {
    const total = this.totalValue();
    const positions: PortfolioState["positions"] = {};
    for (const [symbol, position] of this.#positions) {
      const v = view(symbol, position, total);
      positions[symbol] = {
        quantity: v.quantity,
        avg_cost: v.averageCost,
        current_price: v.lastPrice,
        market_value: v.marketValue,
        pct_portfolio: v.share,
        unrealized_pnl: v.unrealisedPnl,
      };
    }
    return { total_value: total, cash: this.#cash, positions };
  }
}

function view(symbol: string, position: MutablePosition, total: number): PositionView {
  const marketValue = position.quantity * position.lastPrice;
  return {
    symbol,
    quantity: position.quantity,
    averageCost: position.averageCost,
    lastPrice: position.lastPrice,
    marketValue,
    share: total > 0 ? marketValue / total : 0,
    unrealisedPnl: position.quantity * (position.lastPrice - position.averageCost),
  };
}

function assertPrice(price: number): void {
  if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
}

/** Symbol -> sector of a universe, for `PortfolioOptions.sectors`. */
export function sectorMap(
  universe: ReadonlyArray<{ readonly symbol: string; readonly sector: string }>,
): Record<string, string> {
  return Object.fromEntries(universe.map((spec) => [spec.symbol, spec.sector]));
}

/**
 * A fixed portfolio for a one-off check, e.g. the API's `portfolio_state` override. Cash, when
 * not given, is what the total value leaves after the positions.
 */
export function staticPortfolioView(state: {
  readonly positions: Readonly<Record<string, { readonly quantity: number; readonly current_price: number }>>;
  readonly cash?: number;
  readonly total_value?: number;
  /** Default: the total value (a day with no P&L yet). */
  readonly day_open_value?: number;
  readonly sectors?: Readonly<Record<string, string>>;
}): RiskPortfolioView {
  const holdings: Holding[] = Object.entries(state.positions)
    .filter(([, position]) => position.quantity > 0)
    .map(([symbol, position]) => ({ symbol, quantity: position.quantity, lastPrice: position.current_price }));
  const invested = holdings.reduce((sum, holding) => sum + holding.quantity * holding.lastPrice, 0);
  const cash = state.cash ?? (state.total_value ?? invested) - invested;
  const total = cash + invested;
  const sectors = { ...state.sectors };
  return {
    cash,
    dayOpenValue: state.day_open_value ?? total,
    holdings: () => holdings,
    sectorOf: (symbol) => sectors[symbol],
  };
}
