import { z } from "zod";
import { signalClasses, signalClassIndex } from "../models/labels";
import { featureNamesMetadataKey } from "../models/onnx-export";
import { type SpecialistName, specialistNames } from "../models/specialist";
import type { LoadedModel } from "../ports/model-runtime";

/** A loaded specialist model with what the engine needs to feed and name it. */
export interface SpecialistBinding {
  readonly name: SpecialistName;
  /** Shown in decisions as `name@version`. */
  readonly version: string;
  readonly model: LoadedModel;
  /** The model's input order. */
  readonly featureNames: readonly string[];
}

/** One specialist's class probabilities for one row. */
export interface ClassProbabilities {
  readonly sell: number;
  readonly hold: number;
  readonly buy: number;
}

export type SpecialistProbabilities = Readonly<Record<SpecialistName, ClassProbabilities>>;

const featureNamesSchema = z.array(z.string().min(1)).min(1);

/**
 * Binds a loaded model as `name`, its feature order and version read from the model's metadata
 * (`feature_names`, `version`, as `exportSpecialist` writes them). Throws when they are missing.
 */
export function bindSpecialist(name: SpecialistName, model: LoadedModel, version?: string): SpecialistBinding {
  const rawNames = model.metadata[featureNamesMetadataKey];
  if (rawNames === undefined) throw new RangeError(`model ${model.name} has no ${featureNamesMetadataKey} metadata`);
  const featureNames = featureNamesSchema.parse(JSON.parse(rawNames));
  const resolved = version ?? model.metadata.version;
  if (resolved === undefined || resolved.length === 0) throw new RangeError(`model ${model.name} has no version`);
  return { name, version: resolved, model, featureNames };
}

/**
 * Checks one binding per specialist, each taking as many features as it names and returning the
 * three class probabilities; when the model's metadata lists its features, they must be the
 * binding's, in order (a model fed columns in the wrong order scores garbage, silently).
 */
export function assertSpecialistBindings(bindings: readonly SpecialistBinding[]): void {
  const names = bindings.map((binding) => binding.name);
  if (bindings.length !== specialistNames.length || specialistNames.some((name) => !names.includes(name))) {
    throw new RangeError(`expected one model per specialist (${specialistNames.join(", ")}), got ${names.join(", ")}`);
  }
  for (const { name, model, featureNames } of bindings) {
    if (featureNames.length !== model.inputWidth) {
      throw new RangeError(`${name}: ${featureNames.length} feature names for a model of ${model.inputWidth} inputs`);
    }
    if (model.outputWidth !== signalClasses.length) {
      throw new RangeError(`${name}: the model returns ${model.outputWidth} values, not ${signalClasses.length}`);
    }
    const declared = model.metadata[featureNamesMetadataKey];
    if (declared !== undefined && declared !== JSON.stringify(featureNames)) {
      throw new RangeError(`${name}: feature names differ from the model's own ${declared}`);
    }
  }
}

/** The binding's input row from named features, or undefined when one is missing or not finite. */
export function specialistInput(
  binding: SpecialistBinding,
  features: Readonly<Record<string, number>>,
): Float32Array | undefined {
  const row = new Float32Array(binding.featureNames.length);
  for (const [i, name] of binding.featureNames.entries()) {
    const value = features[name];
    if (value === undefined || !Number.isFinite(value)) return undefined;
    row[i] = value;
  }
  return row;
}

/** Thrown when a model returns something that is not a probability distribution. */
export class SpecialistOutputError extends Error {
  constructor(
    readonly specialist: SpecialistName,
    detail: string,
  ) {
    super(`${specialist} returned an invalid output: ${detail}`);
    this.name = "SpecialistOutputError";
  }
}

/**
 * Runs every specialist on one row (batch 1, the three in parallel). Undefined when a feature
 * some specialist needs is missing: no decision is better than one made on a silent 0. Rejects
 * when a model fails or returns something that is not three probabilities summing to 1.
 */
export async function scoreSpecialists(
  bindings: readonly SpecialistBinding[],
  features: Readonly<Record<string, number>>,
): Promise<SpecialistProbabilities | undefined> {
  const inputs: Float32Array[] = [];
  for (const binding of bindings) {
    const row = specialistInput(binding, features);
    if (row === undefined) return undefined;
    inputs.push(row);
  }
  const outputs = await Promise.all(bindings.map((binding, k) => binding.model.run(inputs[k] as Float32Array, 1)));
  const byName = new Map(
    bindings.map((binding, k) => [binding.name, toProbabilities(binding.name, outputs[k] as Float32Array)]),
  );
  const of = (name: SpecialistName): ClassProbabilities => {
    const probabilities = byName.get(name);
    if (probabilities === undefined) throw new RangeError(`no ${name} among the bindings`);
    return probabilities;
  };
  return {
    bull_specialist: of("bull_specialist"),
    bear_specialist: of("bear_specialist"),
    sideways_specialist: of("sideways_specialist"),
  };
}

/** float32 softmax outputs sum to 1 within a few ulps of float32; anything further off is a broken model. */
const sumTolerance = 1e-4;

function toProbabilities(name: SpecialistName, output: Float32Array): ClassProbabilities {
  if (output.length !== signalClasses.length) {
    throw new SpecialistOutputError(name, `${output.length} values for ${signalClasses.length} classes`);
  }
  const sell = output[signalClassIndex.SELL] as number;
  const hold = output[signalClassIndex.HOLD] as number;
  const buy = output[signalClassIndex.BUY] as number;
  for (const p of [sell, hold, buy]) {
    if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new SpecialistOutputError(name, `probability ${p}`);
  }
  if (Math.abs(sell + hold + buy - 1) > sumTolerance) {
    throw new SpecialistOutputError(name, `probabilities sum to ${sell + hold + buy}`);
  }
  return { sell, hold, buy };
}

/** The specialist's score, P(BUY) − P(SELL), in [−1, 1]. */
export function probabilityScore(probabilities: ClassProbabilities): number {
  return probabilities.buy - probabilities.sell;
}
