import type { TradingDecisionEvent } from "../events/trading-decision";
import { entropyNats } from "../regime/hmm-forward";
import { regimeLabels } from "../regime/regime-labels";

/** 0.65 → "65%", 0.6543 → "65.4%": one decimal, dropped when zero. */
export function formatPercent(probability: number): string {
  return `${Number((probability * 100).toFixed(1))}%`;
}

/** A return as a signed percentage with two decimals: 0.0012 → "+0.12%". */
function formatReturn(value: number): string {
  const percent = (value * 100).toFixed(2);
  return value >= 0 ? `+${percent}%` : `${percent}%`;
}

/** A score with its sign and three decimals: 0.1 → "+0.100". */
export function formatSigned(value: number): string {
  const fixed = value.toFixed(3);
  return value >= 0 && !fixed.startsWith("-") ? `+${fixed}` : fixed;
}

/** The `n` largest |value| entries, largest first (ties by name, so the order is stable). */
export function topShapValues(values: Readonly<Record<string, number>>, n: number): [string, number][] {
  return Object.entries(values)
    .sort(([a, x], [b, y]) => Math.abs(y) - Math.abs(x) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, n);
}

function listing(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * Why the regime estimate is what it is, from the event's own numbers: the three filtered
 * probabilities, their entropy (how sure the detector is, out of ln 3 for a uniform guess) and the
 * observation the forward filter took at this bar. Nothing is stated that the event does not hold.
 */
export function regimeReasoningText(event: TradingDecisionEvent): string {
  const ranked = regimeLabels
    .map((label) => ({ label, probability: event.regime_probs[label] }))
    .sort((a, b) => b.probability - a.probability);
  const [first, second, third] = ranked;
  if (!first || !second || !third) throw new RangeError("an event has three regime probabilities");
  const entropy =
    event.regime_entropy ??
    entropyNats([event.regime_probs.bull, event.regime_probs.bear, event.regime_probs.sideways]);
  const maximum = Math.log(3);
  const certainty = entropy < 0.35 * maximum ? "confident" : entropy < 0.7 * maximum ? "fairly sure" : "uncertain";
  const capitalised = first.label.charAt(0).toUpperCase() + first.label.slice(1);
  let text =
    `${capitalised} regime probability (${formatPercent(first.probability)}) ahead of ${second.label} ` +
    `(${formatPercent(second.probability)}) and ${third.label} (${formatPercent(third.probability)}); ` +
    `entropy ${entropy.toFixed(2)} of at most ${maximum.toFixed(2)} nats, so the detector is ${certainty}.`;
  const { log_return_1: logReturn, volatility_20: volatility, returns_20: return20 } = event.features;
  if (logReturn !== undefined && volatility !== undefined) {
    text +=
      ` The forward filter's observation at this bar: 1-bar log return ${formatReturn(logReturn)}, ` +
      `20-bar volatility ${(volatility * 100).toFixed(2)}%`;
    text += return20 !== undefined ? `, with a 20-bar return of ${formatReturn(return20)}.` : ".";
  }
  return text;
}

export interface StrategySelectionFacts {
  readonly event: TradingDecisionEvent;
  /** Each specialist's own score P(BUY) − P(SELL) at the decision's features. */
  readonly specialistScores: Readonly<Record<string, number>>;
  /** The blended score being explained. */
  readonly score: number;
  readonly baseValue: number;
  readonly shapValues: Readonly<Record<string, number>>;
  /** Contributions named in the text. */
  readonly topFeatures: number;
}

/**
 * How the meta-controller's weights turned the specialists' scores into the decision, and which
 * features moved the blended score most, from the event's weights and the explanation's values.
 */
export function strategySelectionText(facts: StrategySelectionFacts): string {
  const { event, specialistScores, score, baseValue, shapValues, topFeatures } = facts;
  const weights = Object.entries(event.strategy_weights).sort(
    ([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0),
  );
  const readable = (name: string): string => name.replaceAll("_", " ");
  const weighted = weights.map(([name, weight]) => `${readable(name)} at ${formatPercent(weight)}`);
  const scores = weights
    .filter(([name]) => specialistScores[name] !== undefined)
    .map(([name]) => `${readable(name).replace(/ specialist$/, "")} ${formatSigned(specialistScores[name] as number)}`);
  let text = `Meta-controller weighted ${listing(weighted)}.`;
  if (scores.length > 0) text += ` Specialist scores P(BUY) − P(SELL): ${scores.join(", ")}.`;
  text += ` Blended score ${formatSigned(score)} → ${event.action} at ${formatPercent(event.confidence)} confidence`;
  text += event.risk_approved === false ? " (the risk check rejected the trade)." : ".";
  const top = topShapValues(shapValues, topFeatures).filter(([, value]) => value !== 0);
  if (top.length > 0) {
    text +=
      ` Largest feature contributions against the background average ${formatSigned(baseValue)}: ` +
      `${top.map(([name, value]) => `${name} ${formatSigned(value)}`).join(", ")}.`;
  }
  return text;
}
