import type { TradingDecisionEvent } from "../events/trading-decision";
import { maxExactShapleyFeatures, shapleyFromCoalitionValues } from "../explain/shapley";
import { signalClasses, signalClassIndex } from "../models/labels";
import type { LoadedModel } from "../ports/model-runtime";
import type { DecisionExplanation } from "../ports/repositories";
import { regimeReasoningText, strategySelectionText } from "./explanation-text";

export interface ExplainableSpecialist {
  /** The key of its weight in the event's `strategy_weights`, e.g. `bull_specialist`. */
  readonly name: string;
  /** Registry version; when given, it must match the event's `model_versions` entry. */
  readonly version?: number;
  readonly model: LoadedModel;
  /** The model's inputs, in order. */
  readonly featureNames: readonly string[];
}

export interface ExplanationBackground {
  readonly featureNames: readonly string[];
  readonly rows: readonly (readonly number[])[];
}

export interface DecisionExplainerOptions {
  readonly specialists: readonly ExplainableSpecialist[];
  readonly background: ExplanationBackground;
  /** How far the recomputed score may be from the event's `score`; default 1e-6. */
  readonly scoreTolerance?: number;
  /**
   * Rows per `LoadedModel.run` call; bounds the buffer. Default 16,384 rows (768 KiB for 12
   * features), where ONNX Runtime on CPU was fastest: larger batches fall out of cache.
   */
  readonly maxBatchRows?: number;
  /** Features named in the strategy text; default 3. */
  readonly topFeatures?: number;
}

/** The event cannot be explained with these models: a feature or weight they need is missing, or versions differ. */
export class UnexplainableDecisionError extends Error {
  constructor(
    readonly decisionId: string,
    reason: string,
  ) {
    super(`decision ${decisionId} cannot be explained: ${reason}`);
    this.name = "UnexplainableDecisionError";
  }
}

/**
 * The models reproduce a different score than the event carries: they are not the models that
 * made the decision, so any explanation would describe some other decision.
 */
export class ScoreMismatchError extends Error {
  constructor(
    readonly decisionId: string,
    readonly eventScore: number,
    readonly recomputedScore: number,
  ) {
    super(`decision ${decisionId}: the event's score is ${eventScore}, the models give ${recomputedScore}`);
    this.name = "ScoreMismatchError";
  }
}

const BUY = signalClassIndex.BUY;
const SELL = signalClassIndex.SELL;
const CLASSES = signalClasses.length;

/**
 * Exact SHAP values of a decision's score f(x) = Σ_k w_k (P_k(BUY|x) − P_k(SELL|x)), with the
 * meta-controller's weights w_k held at the event's values (so the explanation attributes the
 * score to the features, not to the regime estimate) and x the event's values of the models'
 * input features. Interventional Shapley over every coalition S of the F features:
 * v(S) = mean over background rows b of f(x_S, b_rest); v(∅) is the base value, v(all) = f(x).
 *
 * Cost: 2^F × background rows model evaluations per decision (204,800 for 12 features and 50
 * rows) per specialist with a non-zero weight, batched through `LoadedModel.run`: measured for
 * three [32, 16] specialists at about 35 ms per decision with onnxruntime-node (one CPU thread)
 * and 0.4-0.5 s with the pure-TypeScript runtime. The buffers are allocated once; concurrent
 * `explain` calls are queued because they share them.
 */
export class DecisionExplainer {
  readonly featureNames: readonly string[];
  readonly #specialists: readonly ExplainableSpecialist[];
  readonly #background: Float32Array;
  readonly #backgroundRows: number;
  readonly #coalitionsPerCall: number;
  readonly #buffer: Float32Array;
  readonly #values: Float64Array;
  readonly #scoreTolerance: number;
  readonly #topFeatures: number;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: DecisionExplainerOptions) {
    const { specialists, background } = options;
    const first = specialists[0];
    if (first === undefined) throw new RangeError("no specialists to explain with");
    const featureNames = [...first.featureNames];
    const width = featureNames.length;
    if (width < 1 || width > maxExactShapleyFeatures) {
      throw new RangeError(`exact Shapley takes 1 to ${maxExactShapleyFeatures} features, got ${width}`);
    }
    if (new Set(featureNames).size !== width) throw new RangeError("feature names must be distinct");
    const sameOrder = (names: readonly string[]): boolean =>
      names.length === width && names.every((name, i) => name === featureNames[i]);
    for (const specialist of specialists) {
      if (!sameOrder(specialist.featureNames) || specialist.model.inputWidth !== width) {
        throw new RangeError(`${specialist.name} does not take the features [${featureNames.join(", ")}]`);
      }
      if (specialist.model.outputWidth !== CLASSES) {
        throw new RangeError(`${specialist.name} outputs ${specialist.model.outputWidth} values, not ${CLASSES}`);
      }
    }
    if (new Set(specialists.map((s) => s.name)).size !== specialists.length) {
      throw new RangeError("specialist names must be distinct");
    }
    if (!sameOrder(background.featureNames)) {
      throw new RangeError(`the background's features are not [${featureNames.join(", ")}]`);
    }
    const backgroundRows = background.rows.length;
    if (backgroundRows === 0) throw new RangeError("the background sample is empty");
    const maxBatchRows = options.maxBatchRows ?? 16_384;
    if (!Number.isInteger(maxBatchRows) || maxBatchRows < 1) {
      throw new RangeError(`maxBatchRows must be a positive integer, got ${maxBatchRows}`);
    }
    this.featureNames = featureNames;
    this.#specialists = specialists;
    this.#background = new Float32Array(backgroundRows * width);
    for (const [b, row] of background.rows.entries()) {
      if (row.length !== width || !row.every(Number.isFinite)) {
        throw new RangeError(`background row ${b} is not ${width} finite values`);
      }
      this.#background.set(row, b * width);
    }
    this.#backgroundRows = backgroundRows;
    const coalitions = 2 ** width;
    this.#coalitionsPerCall = Math.min(coalitions, Math.max(1, Math.floor(maxBatchRows / backgroundRows)));
    this.#buffer = new Float32Array(this.#coalitionsPerCall * backgroundRows * width);
    this.#values = new Float64Array(coalitions);
    this.#scoreTolerance = options.scoreTolerance ?? 1e-6;
    this.#topFeatures = options.topFeatures ?? 3;
  }

  /** Explains one decision; calls are served one at a time, in call order. */
  explain(event: TradingDecisionEvent): Promise<DecisionExplanation> {
    const run = this.#queue.then(() => this.#explain(event));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #explain(event: TradingDecisionEvent): Promise<DecisionExplanation> {
    const width = this.featureNames.length;
    const x = new Float32Array(width);
    for (const [i, name] of this.featureNames.entries()) {
      const value = event.features[name];
      if (value === undefined) throw new UnexplainableDecisionError(event.decision_id, `feature ${name} is missing`);
      x[i] = value;
    }
    const weighted = this.#weightedSpecialists(event);

    const values = this.#values;
    const grand = values.length - 1;
    values.fill(0);
    const rowsPerCoalition = this.#backgroundRows;
    const buffer = this.#buffer;
    for (let firstMask = 0; firstMask < grand; firstMask += this.#coalitionsPerCall) {
      const end = Math.min(firstMask + this.#coalitionsPerCall, grand);
      let offset = 0;
      for (let mask = firstMask; mask < end; mask++) {
        buffer.set(this.#background, offset);
        for (let i = 0; i < width; i++) {
          if ((mask & (1 << i)) === 0) continue;
          const value = x[i] as number;
          for (let b = 0; b < rowsPerCoalition; b++) buffer[offset + b * width + i] = value;
        }
        offset += rowsPerCoalition * width;
      }
      const rows = (end - firstMask) * rowsPerCoalition;
      for (const { specialist, weight } of weighted) {
        const probabilities = await specialist.model.run(buffer.subarray(0, rows * width), rows);
        if (probabilities.length !== rows * CLASSES) {
          throw new RangeError(`${specialist.model.name} returned ${probabilities.length} values for ${rows} rows`);
        }
        for (let mask = firstMask; mask < end; mask++) {
          const base = (mask - firstMask) * rowsPerCoalition;
          let sum = 0;
          for (let b = 0; b < rowsPerCoalition; b++) {
            const row = (base + b) * CLASSES;
            sum += (probabilities[row + BUY] as number) - (probabilities[row + SELL] as number);
          }
          values[mask] = (values[mask] as number) + (weight * sum) / rowsPerCoalition;
        }
      }
    }

    // The grand coalition is x itself, scored once per specialist: f(x) exactly, as the decision saw it.
    const specialistScores: Record<string, number> = {};
    let output = 0;
    for (const specialist of this.#specialists) {
      const probabilities = await specialist.model.run(x, 1);
      const score = (probabilities[BUY] as number) - (probabilities[SELL] as number);
      specialistScores[specialist.name] = score;
      const weight = weighted.find((entry) => entry.specialist === specialist)?.weight ?? 0;
      output += weight * score;
    }
    values[grand] = output;
    if (event.score !== undefined && !(Math.abs(output - event.score) <= this.#scoreTolerance)) {
      throw new ScoreMismatchError(event.decision_id, event.score, output);
    }

    const phi = shapleyFromCoalitionValues(values, width);
    const shapValues: Record<string, number> = {};
    for (const [i, name] of this.featureNames.entries()) shapValues[name] = phi[i] as number;
    const baseValue = values[0] as number;
    return {
      shapValues,
      baseValue,
      modelOutput: output,
      regimeReasoning: regimeReasoningText(event),
      strategySelection: strategySelectionText({
        event,
        specialistScores,
        score: output,
        baseValue,
        shapValues,
        topFeatures: this.#topFeatures,
      }),
    };
  }

  /** Each specialist with the event's weight for it; zero weights are dropped (they add nothing to f). */
  #weightedSpecialists(event: TradingDecisionEvent): { specialist: ExplainableSpecialist; weight: number }[] {
    const known = new Set(this.#specialists.map((s) => s.name));
    for (const [name, weight] of Object.entries(event.strategy_weights)) {
      if (!known.has(name) && weight !== 0) {
        throw new UnexplainableDecisionError(event.decision_id, `no model for strategy ${name} (weight ${weight})`);
      }
    }
    const weighted: { specialist: ExplainableSpecialist; weight: number }[] = [];
    for (const specialist of this.#specialists) {
      const claimed = event.model_versions?.[specialist.name];
      if (claimed !== undefined && specialist.version !== undefined) {
        const loaded = `${specialist.name}@${specialist.version}`;
        if (claimed !== loaded) {
          throw new UnexplainableDecisionError(event.decision_id, `the decision used ${claimed}, loaded is ${loaded}`);
        }
      }
      const weight = event.strategy_weights[specialist.name] ?? 0;
      if (weight !== 0) weighted.push({ specialist, weight });
    }
    return weighted;
  }
}

export interface ExplainDecisionInput extends DecisionExplainerOptions {
  readonly event: TradingDecisionEvent;
}

/** One-off `DecisionExplainer.explain`; a consumer explaining many decisions keeps one explainer. */
export function explainDecision(input: ExplainDecisionInput): Promise<DecisionExplanation> {
  const { event, ...options } = input;
  return new DecisionExplainer(options).explain(event);
}
