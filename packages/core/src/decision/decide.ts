import { z } from "zod";
import type { StrategyWeights } from "../meta/strategy-weights";
import { specialistNames } from "../models/specialist";
import type { TradeSide } from "../risk/portfolio";
import type { PreTradeResult } from "../risk/pre-trade-check";
import type { ClassProbabilities, SpecialistProbabilities } from "./specialist-scoring";

export const decisionPolicySchema = z.object({
  /** BUY when the blended score exceeds this (strictly). */
  buyThreshold: z.number().min(0).max(1).default(0.15),
  /** SELL when the blended score is below minus this (strictly), and something is held. */
  sellThreshold: z.number().min(0).max(1).default(0.15),
  /** A fully confident trade is worth this share of the portfolio's total value. */
  targetPositionFraction: z.number().gt(0).max(1).default(0.1),
});

export type DecisionPolicy = z.output<typeof decisionPolicySchema>;

export const defaultDecisionPolicy: DecisionPolicy = Object.freeze(decisionPolicySchema.parse({}));

export type DecisionAction = "BUY" | "SELL" | "HOLD";

/** Why a decision is HOLD. */
export type HoldReason =
  /** The score is within [−θ_sell, θ_buy]. */
  | "below_threshold"
  /** The score says SELL but nothing is held (no shorting in v1). */
  | "no_position"
  /** The sized trade rounds to 0 shares. */
  | "below_one_share"
  /** The risk check allows none of the trade. */
  | "risk_rejected"
  /** A BUY with no room left under `maxBuyQuantity` (the position or its sector at its alert level). */
  | "at_alert_level";

/** What the decision reads of a pre-trade check: `PreTradeResult` (the gate) or v1's `RiskValidation`. */
export interface RiskVerdict {
  readonly approved: boolean;
  readonly allowed_quantity: number;
}

export interface DecideInput<V extends RiskVerdict = PreTradeResult> {
  readonly probabilities: SpecialistProbabilities;
  readonly weights: StrategyWeights;
  /** The price the trade would be sized at (the last close). */
  readonly price: number;
  readonly totalValue: number;
  /** Shares of the symbol held now. */
  readonly heldQuantity: number;
  readonly policy?: DecisionPolicy;
  /**
   * The most shares a BUY may add, whatever the sizing asks: the engine's headroom below the
   * risk limits' alert levels, so that a position built up to a hard limit is not carried past
   * it by the next uptick. Absent: no cap besides the risk check.
   */
  readonly maxBuyQuantity?: number;
  /**
   * The pre-trade risk check of `quantity` shares (the gate's `check`), or absent to decide
   * without one (the API's `risk_check: false`).
   */
  readonly riskCheck?: (side: TradeSide, quantity: number) => V;
}

export interface Decision<V extends RiskVerdict = PreTradeResult> {
  readonly action: DecisionAction;
  /** Whole shares; 0 for HOLD. */
  readonly quantity: number;
  /** The blended probability of `action`'s class, in [0, 1]. */
  readonly confidence: number;
  /** Σ_k w_k · (P_k(BUY) − P_k(SELL)) = P̄(BUY) − P̄(SELL), in [−1, 1]. */
  readonly score: number;
  /** P̄(c) = Σ_k w_k · P_k(c). */
  readonly blended: ClassProbabilities;
  /** What the score alone called for, before position, sizing and risk. */
  readonly signal: DecisionAction;
  /** Shares the sizing asked for, before the risk check. */
  readonly sizedQuantity: number;
  readonly holdReason: HoldReason | null;
  /**
   * The risk check of the trade made (after a cut to `allowed_quantity`, approved), or of the
   * trade refused when the check allowed nothing; null when no trade was proposed or no check ran.
   */
  readonly riskValidation: V | null;
  /** The check of the sized trade when it had to be cut to `allowed_quantity`. */
  readonly cutFrom: V | null;
}

/** P̄(c) = Σ_k w_k · P_k(c) over the specialists. */
export function blendProbabilities(
  probabilities: SpecialistProbabilities,
  weights: StrategyWeights,
): ClassProbabilities {
  let sell = 0;
  let hold = 0;
  let buy = 0;
  for (const name of specialistNames) {
    const w = weights[name];
    const p = probabilities[name];
    sell += w * p.sell;
    hold += w * p.hold;
    buy += w * p.buy;
  }
  return { sell, hold, buy };
}

const clamp = (x: number, low: number, high: number): number => Math.min(high, Math.max(low, x));

/**
 * The decision v1, from the specialists' class probabilities and the strategy weights.
 *
 * - Score s = Σ_k w_k · (P_k(BUY) − P_k(SELL)); with weights summing to 1 it lies in [−1, 1]
 *   (clamped against rounding).
 * - Signal: BUY when s > θ_buy, SELL when s < −θ_sell, else HOLD. A SELL with nothing held is HOLD
 *   (`no_position`).
 * - Confidence: the blended probability of the action's class, P̄(BUY), P̄(SELL) or P̄(HOLD): the
 *   ensemble's own probability that this is the right call. It is not |s|: a BUY at s = 0.2 may
 *   come from P̄ = (0.05, 0.70, 0.25) — confidence 0.25, the ensemble mostly expects nothing — or
 *   from (0.40, 0, 0.60) — 0.60.
 * - Size: round(confidence × targetPositionFraction × totalValue / price) shares, and for a SELL
 *   at most what is held; 0 shares is HOLD (`below_one_share`). A BUY is capped at
 *   `maxBuyQuantity`; no room at all is HOLD (`at_alert_level`).
 * - Risk: a trade the check refuses is cut to its `allowed_quantity` (and checked again at that
 *   size); when nothing is allowed it becomes HOLD, quantity 0, with the refusal kept
 *   (`risk_rejected`).
 */
export function decide<V extends RiskVerdict = PreTradeResult>(input: DecideInput<V>): Decision<V> {
  const policy = input.policy ?? defaultDecisionPolicy;
  const { price, totalValue, heldQuantity } = input;
  if (!(Number.isFinite(price) && price > 0)) throw new RangeError(`price must be finite and positive, got ${price}`);
  if (!Number.isFinite(totalValue)) throw new RangeError(`totalValue must be finite, got ${totalValue}`);
  const blended = blendProbabilities(input.probabilities, input.weights);
  const score = clamp(blended.buy - blended.sell, -1, 1);
  const confidenceOf = (action: DecisionAction): number =>
    clamp(action === "BUY" ? blended.buy : action === "SELL" ? blended.sell : blended.hold, 0, 1);
  const signal: DecisionAction = score > policy.buyThreshold ? "BUY" : score < -policy.sellThreshold ? "SELL" : "HOLD";
  const base = { score, blended, signal };
  const hold = (reason: HoldReason, sizedQuantity = 0, riskValidation: V | null = null): Decision<V> => ({
    ...base,
    action: "HOLD",
    quantity: 0,
    confidence: confidenceOf("HOLD"),
    sizedQuantity,
    holdReason: reason,
    riskValidation,
    cutFrom: null,
  });

  if (signal === "HOLD") return hold("below_threshold");
  if (signal === "SELL" && heldQuantity <= 0) return hold("no_position");
  const side: TradeSide = signal;
  const confidence = confidenceOf(side);
  let sized = Math.round((confidence * policy.targetPositionFraction * Math.max(0, totalValue)) / price);
  if (side === "SELL") sized = Math.min(sized, heldQuantity);
  if (!(sized >= 1)) return hold("below_one_share");
  if (side === "BUY" && input.maxBuyQuantity !== undefined) {
    const room = Math.floor(input.maxBuyQuantity);
    if (room < 1) return hold("at_alert_level", sized);
    sized = Math.min(sized, room);
  }
  if (input.riskCheck === undefined) {
    return {
      ...base,
      action: side,
      quantity: sized,
      confidence,
      sizedQuantity: sized,
      holdReason: null,
      riskValidation: null,
      cutFrom: null,
    };
  }
  const check = input.riskCheck(side, sized);
  if (check.approved) {
    return {
      ...base,
      action: side,
      quantity: sized,
      confidence,
      sizedQuantity: sized,
      holdReason: null,
      riskValidation: check,
      cutFrom: null,
    };
  }
  const allowed = Math.min(sized, check.allowed_quantity);
  if (allowed < 1) return hold("risk_rejected", sized, check);
  return {
    ...base,
    action: side,
    quantity: allowed,
    confidence,
    sizedQuantity: sized,
    holdReason: null,
    riskValidation: input.riskCheck(side, allowed),
    cutFrom: check,
  };
}
