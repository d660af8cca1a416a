/** Test support for the decision folder (not exported by the barrel). */
import type { Mlp } from "../models/mlp";
import { MlpModelRuntime } from "../models/mlp-model-runtime";
import { exportMlpToOnnx } from "../models/onnx-export";
import type { SpecialistName } from "../models/specialist";
import type { OutgoingEvent, TopicDefinition, TopicInput } from "../ports/event-bus";
import { RegimeDetector } from "../regime/regime-detector";
import type { DecisionEventSink } from "./decision-event-sink";
import { bindSpecialist, type SpecialistBinding } from "./specialist-scoring";

export interface PublishedBatch {
  readonly topic: string;
  readonly events: readonly OutgoingEvent<unknown>[];
}

/** A sink that keeps every batch, in order. */
export function recordingSink(): DecisionEventSink & {
  readonly batches: PublishedBatch[];
  payloads(topic: TopicDefinition): unknown[];
} {
  const batches: PublishedBatch[] = [];
  return {
    batches,
    publish<T extends TopicDefinition>(topic: T, events: readonly OutgoingEvent<TopicInput<T>>[]): void {
      batches.push({ topic: topic.name, events });
    },
    payloads(topic: TopicDefinition): unknown[] {
      return batches
        .filter((batch) => batch.topic === topic.name)
        .flatMap((batch) => batch.events.map((e) => e.payload));
    },
  };
}

/**
 * A single-layer model: logits = W·x + b over the named features (no standardisation), then
 * softmax over (SELL, HOLD, BUY). `rows[c]` holds class c's weight per feature.
 */
export function linearSoftmaxMlp(
  featureCount: number,
  rows: readonly [readonly number[], readonly number[], readonly number[]],
  bias: readonly [number, number, number],
): Mlp {
  const weights = new Float64Array(3 * featureCount);
  for (const [c, row] of rows.entries()) {
    if (row.length !== featureCount) throw new RangeError("a weight per feature");
    weights.set(row, c * featureCount);
  }
  return {
    inputs: featureCount,
    outputs: 3,
    inputMean: new Float64Array(featureCount),
    inputScale: new Float64Array(featureCount).fill(1),
    layers: [{ inputs: featureCount, outputs: 3, weights, bias: Float64Array.from(bias) }],
  };
}

/** The model exported to ONNX as a specialist and loaded back by the pure-TypeScript runtime. */
export async function loadSpecialist(
  name: SpecialistName,
  model: Mlp,
  featureNames: readonly string[],
  version = 1,
): Promise<SpecialistBinding> {
  const bytes = exportMlpToOnnx(model, {
    featureNames: [...featureNames],
    graphName: name,
    modelVersion: version,
    metadata: { specialist: name, version: String(version) },
  });
  const loaded = await new MlpModelRuntime().load(bytes, { name: `${name}@${version}` });
  return bindSpecialist(name, loaded);
}

/** softmax of three logits, in double precision. */
export function softmax3(a: number, b: number, c: number): [number, number, number] {
  const top = Math.max(a, b, c);
  const [ea, eb, ec] = [Math.exp(a - top), Math.exp(b - top), Math.exp(c - top)];
  const sum = ea + eb + ec;
  return [ea / sum, eb / sum, ec / sum];
}

/**
 * A hand-written 3-state regime model over [log return, volatility] of one-minute bars, at the
 * scale of the simulator's default universe (volatility_20 around 0.0024): bull drifts up
 * calmly, bear down turbulently, sideways flat in between; regimes persist (0.98).
 */
export function handRegimeDetector(): RegimeDetector {
  const covariance = [
    [1.2e-5, 0],
    [0, 1e-7],
  ];
  return RegimeDetector.fromModel({
    format: "tradeops.regime-hmm",
    formatVersion: 1,
    modelVersion: "hmm3-test",
    params: {
      initial: [1 / 3, 1 / 3, 1 / 3],
      transition: [
        [0.98, 0.01, 0.01],
        [0.01, 0.98, 0.01],
        [0.01, 0.01, 0.98],
      ],
      means: [
        [0.0005, 0.0019],
        [-0.0005, 0.003],
        [0, 0.0024],
      ],
      covariances: [covariance, covariance, covariance],
    },
    labels: { bull: 0, bear: 1, sideways: 2 },
    fit: { logLikelihood: 0, iterations: 0, converged: true, observations: 1, sequences: 1 },
  });
}
