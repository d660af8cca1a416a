import { specialistScores } from "../models/specialist";
import type { LoadedModel } from "../ports/model-runtime";
import type { BatchFunction } from "./shapley";

export interface WeightedModel {
  readonly model: LoadedModel;
  /** The specialist's share of the decision (the meta-controller's weight), held fixed while explaining. */
  readonly weight: number;
}

/**
 * The decision score as a function of the features: Σ_k weight_k · (P_k(BUY) − P_k(SELL)) over the
 * specialists. The weights are fixed at their decision-time values, so the SHAP values attribute
 * the score to the features and not to the regime estimate. With one model of weight 1 this is
 * that specialist's own score.
 */
export function blendedScoreFunction(models: readonly WeightedModel[]): BatchFunction {
  if (models.length === 0) throw new RangeError("no models to score");
  const width = models[0]?.model.inputWidth;
  for (const { model, weight } of models) {
    if (model.inputWidth !== width)
      throw new RangeError(`model ${model.name} takes ${model.inputWidth} features, not ${width}`);
    if (!Number.isFinite(weight)) throw new RangeError(`model ${model.name} has weight ${weight}`);
  }
  return async (batch, rows) => {
    const input = Float32Array.from(batch);
    const scores = new Float64Array(rows);
    for (const { model, weight } of models) {
      const modelScores = specialistScores(await model.run(input, rows), rows);
      for (let r = 0; r < rows; r++) scores[r] = (scores[r] as number) + weight * (modelScores[r] as number);
    }
    return scores;
  };
}
