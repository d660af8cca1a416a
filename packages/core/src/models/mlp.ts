import { z } from "zod";
import { matmulTransposedInto, transposeInto } from "./matmul";
import { shuffleInPlace, standardNormal, type UniformSource } from "./uniform-source";

/**
 * One fully connected layer. `weights` is row-major [outputs][inputs], which is exactly ONNX
 * Gemm's B operand with `transB = 1`, so export copies it as is.
 */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * A small dense classifier: standardisation, then Dense+ReLU per hidden layer, then Dense+Softmax.
 * Standardisation is part of the model (mean and scale from the training set) so the model, and
 * its ONNX export, take raw features.
 */
export interface Mlp {
  readonly inputs: number;
  readonly outputs: number;
  readonly inputMean: Float64Array;
  /** Divisor per feature: the training standard deviation, 1 for a constant feature. */
  readonly inputScale: Float64Array;
  readonly layers: readonly DenseLayer[];
}

/** Row-major examples: `features` holds `rows × inputs` values. */
export interface TrainingSet {
  readonly features: Float64Array;
  /** Class index per row, in [0, outputs). */
  readonly labels: Uint8Array;
  /** Non-negative weight per row; all 1 when absent. */
  readonly weights?: Float64Array;
  readonly rows: number;
}

export interface MlpArchitecture {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
}

const architectureSchema = z.object({
  inputs: z.int().positive(),
  hidden: z.array(z.int().positive()),
  outputs: z.int().min(2),
});

/**
 * He initialisation (weights ~ N(0, 2 / fan_in), biases 0), suited to ReLU layers; standardisation
 * starts as the identity until `trainMlp` fits it.
 */
export function createMlp(architecture: MlpArchitecture, random: UniformSource): Mlp {
  const { inputs, hidden, outputs } = architectureSchema.parse(architecture);
  const widths = [inputs, ...hidden, outputs];
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const fanIn = widths[l] as number;
    const fanOut = widths[l + 1] as number;
    const weights = new Float64Array(fanIn * fanOut);
    const sd = Math.sqrt(2 / fanIn);
    for (let k = 0; k < weights.length; k++) weights[k] = sd * standardNormal(random);
    layers.push({ inputs: fanIn, outputs: fanOut, weights, bias: new Float64Array(fanOut) });
  }
  return {
    inputs,
    outputs,
    inputMean: new Float64Array(inputs),
    inputScale: new Float64Array(inputs).fill(1),
    layers,
  };
}

export function cloneMlp(model: Mlp): Mlp {
  return {
    inputs: model.inputs,
    outputs: model.outputs,
    inputMean: Float64Array.from(model.inputMean),
    inputScale: Float64Array.from(model.inputScale),
    layers: model.layers.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: Float64Array.from(layer.weights),
      bias: Float64Array.from(layer.bias),
    })),
  };
}

/** Checks that every array has the size the declared widths imply, so loops cannot read past an end. */
export function assertMlpShape(model: Mlp): void {
  const fail = (why: string): never => {
    throw new RangeError(`malformed MLP: ${why}`);
  };
  if (model.inputMean.length !== model.inputs || model.inputScale.length !== model.inputs) {
    fail("standardisation width differs from the input width");
  }
  if (model.layers.length === 0) fail("no layers");
  let width = model.inputs;
  for (const [l, layer] of model.layers.entries()) {
    if (layer.inputs !== width) fail(`layer ${l} takes ${layer.inputs} inputs, previous width is ${width}`);
    if (layer.weights.length !== layer.inputs * layer.outputs) fail(`layer ${l} weights have the wrong size`);
    if (layer.bias.length !== layer.outputs) fail(`layer ${l} bias has the wrong size`);
    width = layer.outputs;
  }
  if (width !== model.outputs) fail(`last layer has ${width} outputs, model declares ${model.outputs}`);
}

function standardiseInto(model: Mlp, x: Float64Array, rowOffset: number, rows: number, out: Float64Array): void {
  const n = model.inputs;
  for (let r = 0; r < rows; r++) {
    const src = (rowOffset + r) * n;
    const dst = r * n;
    for (let i = 0; i < n; i++) {
      out[dst + i] = ((x[src + i] as number) - (model.inputMean[i] as number)) / (model.inputScale[i] as number);
    }
  }
}

/** out[r, o] = bias[o] + Σ_i weights[o, i] · input[r, i]. */
function denseInto(layer: DenseLayer, input: Float64Array, rows: number, out: Float64Array): void {
  matmulTransposedInto(input, layer.weights, rows, layer.outputs, layer.inputs, layer.bias, out);
}

function reluInPlace(values: Float64Array, length: number): void {
  for (let k = 0; k < length; k++) if ((values[k] as number) < 0) values[k] = 0;
}

/** Row-wise softmax in place, shifted by the row maximum so large logits cannot overflow. */
function softmaxInPlace(values: Float64Array, rows: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < width; k++) max = Math.max(max, values[base + k] as number);
    let sum = 0;
    for (let k = 0; k < width; k++) {
      const e = Math.exp((values[base + k] as number) - max);
      values[base + k] = e;
      sum += e;
    }
    for (let k = 0; k < width; k++) values[base + k] = (values[base + k] as number) / sum;
  }
}

/**
 * Per-layer buffers for a batch of up to `capacity` rows: `activations[0]` is the standardised
 * input, `activations[l + 1]` the output of layer l (post-ReLU, or the probabilities for the last).
 * Allocated once and reused so training does not churn the garbage collector.
 */
class Workspace {
  readonly activations: Float64Array[];
  readonly deltas: Float64Array[];
  /** Raw feature rows of a mini-batch, gathered from shuffled positions. */
  readonly gathered: Float64Array;
  /** Scratch for the transposed operands of the backward pass, sized for the widest layer. */
  readonly deltaT: Float64Array;
  readonly inputT: Float64Array;
  readonly weightsT: Float64Array;

  constructor(
    model: Mlp,
    readonly capacity: number,
  ) {
    const widths = [model.inputs, ...model.layers.map((layer) => layer.outputs)];
    this.activations = widths.map((w) => new Float64Array(w * capacity));
    this.deltas = widths.map((w) => new Float64Array(w * capacity));
    this.gathered = new Float64Array(model.inputs * capacity);
    const widest = Math.max(...widths);
    this.deltaT = new Float64Array(widest * capacity);
    this.inputT = new Float64Array(widest * capacity);
    this.weightsT = new Float64Array(Math.max(...model.layers.map((layer) => layer.weights.length)));
  }

  input(): Float64Array {
    return this.activations[0] as Float64Array;
  }

  output(layer: number): Float64Array {
    return this.activations[layer + 1] as Float64Array;
  }
}

/** Runs rows [rowOffset, rowOffset + rows) of `x`; the probabilities land in the workspace's last buffer. */
function forwardInto(model: Mlp, x: Float64Array, rowOffset: number, rows: number, work: Workspace): Float64Array {
  standardiseInto(model, x, rowOffset, rows, work.input());
  const last = model.layers.length - 1;
  let input = work.input();
  for (const [l, layer] of model.layers.entries()) {
    const out = work.output(l);
    denseInto(layer, input, rows, out);
    if (l < last) reluInPlace(out, rows * layer.outputs);
    input = out;
  }
  softmaxInPlace(input, rows, model.outputs);
  return input;
}

const forwardChunkRows = 4096;

/** Class probabilities, row-major `rows × outputs`, for `rows` rows of raw features. */
export function mlpForward(model: Mlp, x: Float64Array, rows: number): Float64Array {
  assertMlpShape(model);
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (x.length !== rows * model.inputs) {
    throw new RangeError(`expected ${rows} × ${model.inputs} features, got ${x.length} values`);
  }
  const result = new Float64Array(rows * model.outputs);
  const work = new Workspace(model, Math.min(Math.max(rows, 1), forwardChunkRows));
  for (let start = 0; start < rows; start += work.capacity) {
    const count = Math.min(work.capacity, rows - start);
    const probabilities = forwardInto(model, x, start, count, work);
    result.set(probabilities.subarray(0, count * model.outputs), start * model.outputs);
  }
  return result;
}

export interface MlpGradients {
  /** Mean weighted cross-entropy plus (l2 / 2) Σ W² (biases are not penalised). */
  readonly loss: number;
  readonly weights: Float64Array[];
  readonly biases: Float64Array[];
}

function assertTrainingSet(model: Mlp, set: TrainingSet): void {
  if (!Number.isInteger(set.rows) || set.rows < 0) throw new RangeError(`rows must be a non-negative integer`);
  if (set.features.length !== set.rows * model.inputs) {
    throw new RangeError(`expected ${set.rows} × ${model.inputs} features, got ${set.features.length} values`);
  }
  if (set.labels.length !== set.rows) throw new RangeError(`expected ${set.rows} labels, got ${set.labels.length}`);
  for (const label of set.labels) {
    if (label >= model.outputs) throw new RangeError(`label ${label} is not a class of a ${model.outputs}-class model`);
  }
  if (set.weights) {
    if (set.weights.length !== set.rows)
      throw new RangeError(`expected ${set.rows} weights, got ${set.weights.length}`);
    for (const w of set.weights) if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`weights must be ≥ 0`);
  }
}

/**
 * Loss and its gradient over the rows listed in `indices` (a mini-batch), by backpropagation,
 * written into `gradWeights` and `gradBiases`.
 * With softmax + cross-entropy the output delta is (p − onehot(y)) · w_r / Σw; each hidden delta
 * is the next layer's delta through its weights, masked where the ReLU was off.
 */
function computeGradients(
  model: Mlp,
  set: TrainingSet,
  indices: Uint32Array,
  l2: number,
  work: Workspace,
  gradWeights: Float64Array[],
  gradBiases: Float64Array[],
): number {
  const rows = indices.length;
  const n = model.inputs;
  const gathered = work.gathered;
  for (let r = 0; r < rows; r++) {
    const src = (indices[r] as number) * n;
    for (let i = 0; i < n; i++) gathered[r * n + i] = set.features[src + i] as number;
  }
  const probabilities = forwardInto(model, gathered, 0, rows, work);

  let weightSum = 0;
  for (let r = 0; r < rows; r++) weightSum += set.weights ? (set.weights[indices[r] as number] as number) : 1;
  for (const g of gradWeights) g.fill(0);
  for (const g of gradBiases) g.fill(0);
  if (weightSum === 0) return 0;

  const k = model.outputs;
  const last = model.layers.length - 1;
  const outDelta = work.deltas[last + 1] as Float64Array;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const row = indices[r] as number;
    const w = (set.weights ? (set.weights[row] as number) : 1) / weightSum;
    const label = set.labels[row] as number;
    const p = probabilities[r * k + label] as number;
    // p underflows to 0 only for absurd logits; clamp so one row cannot make the loss infinite.
    loss -= w * Math.log(Math.max(p, Number.MIN_VALUE));
    for (let c = 0; c < k; c++) {
      outDelta[r * k + c] = w * ((probabilities[r * k + c] as number) - (c === label ? 1 : 0));
    }
  }

  // Every product below is A·Bᵀ over contiguous rows (see matmul.ts), hence the transposes:
  // ∂L/∂W = δᵀ·a, ∂L/∂b = Σ_rows δ, and the previous layer's δ = (δ·W) ⊙ ReLU'.
  for (let l = last; l >= 0; l--) {
    const layer = model.layers[l] as DenseLayer;
    const { inputs, outputs, weights } = layer;
    const delta = work.deltas[l + 1] as Float64Array;
    const input = work.activations[l] as Float64Array;
    const gB = gradBiases[l] as Float64Array;
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outputs; o++) gB[o] = (gB[o] as number) + (delta[r * outputs + o] as number);
    }
    transposeInto(delta, rows, outputs, work.deltaT);
    transposeInto(input, rows, inputs, work.inputT);
    matmulTransposedInto(work.deltaT, work.inputT, outputs, inputs, rows, null, gradWeights[l] as Float64Array);
    if (l > 0) {
      const previous = work.deltas[l] as Float64Array;
      transposeInto(weights, outputs, inputs, work.weightsT);
      matmulTransposedInto(delta, work.weightsT, rows, inputs, outputs, null, previous);
      // ReLU'(z) is 0 where the activation was clamped to 0.
      for (let q = 0; q < rows * inputs; q++) if ((input[q] as number) <= 0) previous[q] = 0;
    }
  }

  if (l2 > 0) {
    for (const [l, layer] of model.layers.entries()) {
      const gW = gradWeights[l] as Float64Array;
      for (let q = 0; q < layer.weights.length; q++) {
        const w = layer.weights[q] as number;
        loss += 0.5 * l2 * w * w;
        gW[q] = (gW[q] as number) + l2 * w;
      }
    }
  }
  return loss;
}

/** The loss over a whole set and its exact gradient (what the finite-difference test checks). */
export function mlpLossAndGradients(model: Mlp, set: TrainingSet, l2 = 0): MlpGradients {
  assertMlpShape(model);
  assertTrainingSet(model, set);
  const weights = model.layers.map((layer) => new Float64Array(layer.weights.length));
  const biases = model.layers.map((layer) => new Float64Array(layer.bias.length));
  const indices = Uint32Array.from({ length: set.rows }, (_, r) => r);
  const loss = computeGradients(model, set, indices, l2, new Workspace(model, set.rows), weights, biases);
  return { loss, weights, biases };
}

export interface MlpEvaluation {
  /** Weighted mean cross-entropy (no L2 term). */
  readonly loss: number;
  /** Weighted share of rows whose most probable class is the label. */
  readonly accuracy: number;
}

export function evaluateMlp(model: Mlp, set: TrainingSet): MlpEvaluation {
  assertMlpShape(model);
  assertTrainingSet(model, set);
  const k = model.outputs;
  const work = new Workspace(model, Math.min(Math.max(set.rows, 1), forwardChunkRows));
  let loss = 0;
  let correct = 0;
  let total = 0;
  for (let start = 0; start < set.rows; start += work.capacity) {
    const count = Math.min(work.capacity, set.rows - start);
    const probabilities = forwardInto(model, set.features, start, count, work);
    for (let r = 0; r < count; r++) {
      const row = start + r;
      const w = set.weights ? (set.weights[row] as number) : 1;
      if (w === 0) continue;
      const label = set.labels[row] as number;
      let best = 0;
      for (let c = 1; c < k; c++)
        if ((probabilities[r * k + c] as number) > (probabilities[r * k + best] as number)) best = c;
      loss -= w * Math.log(Math.max(probabilities[r * k + label] as number, Number.MIN_VALUE));
      if (best === label) correct += w;
      total += w;
    }
  }
  return total === 0 ? { loss: Number.NaN, accuracy: Number.NaN } : { loss: loss / total, accuracy: correct / total };
}

/** Weighted mean and standard deviation per feature; a constant feature gets scale 1 so it passes through centred. */
export function fitStandardisation(set: TrainingSet, inputs: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(inputs);
  const scale = new Float64Array(inputs);
  let total = 0;
  for (let r = 0; r < set.rows; r++) {
    const w = set.weights ? (set.weights[r] as number) : 1;
    total += w;
    for (let i = 0; i < inputs; i++) mean[i] = (mean[i] as number) + w * (set.features[r * inputs + i] as number);
  }
  if (total === 0) return { mean, scale: scale.fill(1) };
  for (let i = 0; i < inputs; i++) mean[i] = (mean[i] as number) / total;
  for (let r = 0; r < set.rows; r++) {
    const w = set.weights ? (set.weights[r] as number) : 1;
    for (let i = 0; i < inputs; i++) {
      const d = (set.features[r * inputs + i] as number) - (mean[i] as number);
      scale[i] = (scale[i] as number) + w * d * d;
    }
  }
  for (let i = 0; i < inputs; i++) {
    const sd = Math.sqrt((scale[i] as number) / total);
    // Below this a feature is constant up to rounding; dividing by it would only amplify noise.
    scale[i] = sd > 1e-12 * Math.max(1, Math.abs(mean[i] as number)) ? sd : 1;
  }
  return { mean, scale };
}

export const trainingOptionsSchema = z.object({
  hidden: z.array(z.int().positive()).default([32, 16]),
  learningRate: z.number().positive().default(3e-3),
  batchSize: z.int().positive().default(256),
  maxEpochs: z.int().positive().default(50),
  /** Epochs without a validation improvement before stopping. */
  patience: z.int().positive().default(4),
  /** An improvement smaller than this does not reset the patience counter. */
  minImprovement: z.number().nonnegative().default(1e-5),
  l2: z.number().nonnegative().default(0),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
});

export type TrainingOptions = z.input<typeof trainingOptionsSchema>;

export interface EpochRecord {
  readonly epoch: number;
  /** Running mean of the mini-batch losses over the epoch (L2 term included). */
  readonly trainLoss: number;
  readonly validationLoss: number;
}

export interface TrainingResult {
  /** The parameters of the epoch with the lowest validation loss. */
  readonly model: Mlp;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

/**
 * Mini-batch Adam on weighted cross-entropy, early-stopped on `validation`. Standardisation is fitted
 * on `train` first. The caller splits train from validation: for time series that split must be
 * chronological with a gap, which only the caller can know how to do. Deterministic given `random`.
 */
export function trainMlp(
  input: { readonly train: TrainingSet; readonly validation: TrainingSet; readonly outputs: number },
  options: TrainingOptions,
  random: UniformSource,
): TrainingResult {
  const o = trainingOptionsSchema.parse(options);
  const { train, validation } = input;
  if (train.rows === 0) throw new RangeError("the training set is empty");
  if (validation.rows === 0) throw new RangeError("the validation set is empty: early stopping needs one");
  const inputs = train.features.length / train.rows;
  if (!Number.isInteger(inputs)) throw new RangeError("train.features is not a whole number of rows");

  const fresh = createMlp({ inputs, hidden: o.hidden, outputs: input.outputs }, random);
  const { mean, scale } = fitStandardisation(train, inputs);
  const model: Mlp = { ...fresh, inputMean: mean, inputScale: scale };
  assertTrainingSet(model, train);
  assertTrainingSet(model, validation);

  const gradWeights = model.layers.map((layer) => new Float64Array(layer.weights.length));
  const gradBiases = model.layers.map((layer) => new Float64Array(layer.bias.length));
  const firstMoment = [...gradWeights, ...gradBiases].map((g) => new Float64Array(g.length));
  const secondMoment = [...gradWeights, ...gradBiases].map((g) => new Float64Array(g.length));
  const parameters = [...model.layers.map((layer) => layer.weights), ...model.layers.map((layer) => layer.bias)];
  const gradients = [...gradWeights, ...gradBiases];

  const order = Uint32Array.from({ length: train.rows }, (_, r) => r);
  const batchSize = Math.min(o.batchSize, train.rows);
  const work = new Workspace(model, batchSize);
  const history: EpochRecord[] = [];
  let best = cloneMlp(model);
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let sinceBest = 0;
  let step = 0;
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
    shuffleInPlace(order, random);
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < train.rows; start += batchSize) {
      const indices = order.subarray(start, Math.min(start + batchSize, train.rows));
      lossSum += computeGradients(model, train, indices, o.l2, work, gradWeights, gradBiases);
      batches++;
      step++;
      const correction1 = 1 - o.beta1 ** step;
      const correction2 = 1 - o.beta2 ** step;
      for (const [p, theta] of parameters.entries()) {
        const g = gradients[p] as Float64Array;
        const m = firstMoment[p] as Float64Array;
        const v = secondMoment[p] as Float64Array;
        for (let q = 0; q < theta.length; q++) {
          const gq = g[q] as number;
          const mq = o.beta1 * (m[q] as number) + (1 - o.beta1) * gq;
          const vq = o.beta2 * (v[q] as number) + (1 - o.beta2) * gq * gq;
          m[q] = mq;
          v[q] = vq;
          theta[q] =
            (theta[q] as number) - (o.learningRate * (mq / correction1)) / (Math.sqrt(vq / correction2) + o.epsilon);
        }
      }
    }
    const validationLoss = evaluateMlp(model, validation).loss;
    history.push({ epoch, trainLoss: lossSum / batches, validationLoss });
    if (validationLoss < bestLoss - o.minImprovement) {
      bestLoss = validationLoss;
      bestEpoch = epoch;
      best = cloneMlp(model);
      sinceBest = 0;
    } else if (++sinceBest >= o.patience) {
      stoppedEarly = epoch < o.maxEpochs;
      break;
    }
  }
  return { model: best, history, bestEpoch, stoppedEarly };
}

const finiteArray = z.array(z.number().finite());

export const mlpJsonSchema = z
  .object({
    format: z.literal("tradeops.mlp.v1"),
    inputs: z.int().positive(),
    outputs: z.int().min(2),
    inputMean: finiteArray,
    inputScale: z.array(z.number().finite().positive()),
    layers: z
      .array(
        z.object({
          inputs: z.int().positive(),
          outputs: z.int().positive(),
          weights: finiteArray,
          bias: finiteArray,
        }),
      )
      .min(1),
  })
  .transform((json, ctx): Mlp => {
    const model: Mlp = {
      inputs: json.inputs,
      outputs: json.outputs,
      inputMean: Float64Array.from(json.inputMean),
      inputScale: Float64Array.from(json.inputScale),
      layers: json.layers.map((layer) => ({
        inputs: layer.inputs,
        outputs: layer.outputs,
        weights: Float64Array.from(layer.weights),
        bias: Float64Array.from(layer.bias),
      })),
    };
    try {
      assertMlpShape(model);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
    return model;
  });

export type MlpJson = z.input<typeof mlpJsonSchema>;

/** Plain JSON; float64 values survive the round trip exactly (JavaScript prints the shortest exact form). */
export function mlpToJson(model: Mlp): MlpJson {
  return {
    format: "tradeops.mlp.v1",
    inputs: model.inputs,
    outputs: model.outputs,
    inputMean: Array.from(model.inputMean),
    inputScale: Array.from(model.inputScale),
    layers: model.layers.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: Array.from(layer.weights),
      bias: Array.from(layer.bias),
    })),
  };
}

export function mlpFromJson(json: unknown): Mlp {
  return mlpJsonSchema.parse(json);
}
