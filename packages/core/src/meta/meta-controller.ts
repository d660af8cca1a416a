import { z } from "zod";
import { type SpecialistName, specialistNames } from "../models/specialist";
import type { RegimeProbabilities } from "../regime/regime-labels";

/** What the policy sees for one decision. */
export interface MetaControllerInput {
  /** Filtered regime probabilities of the symbol. */
  readonly regime: RegimeProbabilities;
  /** Their entropy in nats, in [0, ln 3]. */
  readonly entropy: number;
  /** Each specialist's recent signal Sharpe ratio (see SpecialistPerformance). */
  readonly performance: Readonly<Record<SpecialistName, number>>;
}

/** The policy's input vector, in this order: x = [p_bull, p_bear, p_sideways, entropy, perf_k, 1]. */
export const metaControllerFeatures = ["p_bull", "p_bear", "p_sideways", "entropy", "performance", "bias"] as const;

const row = z.array(z.number().finite()).length(metaControllerFeatures.length);

/**
 * The policy's parameters as stored (JSON). `theta` is a 3 × 6 matrix: one row per specialist in
 * `specialistNames` order (bull, bear, sideways), one column per `metaControllerFeatures` entry.
 */
export const metaControllerParamsSchema = z.object({
  format: z.literal("tradeops.meta-controller"),
  formatVersion: z.literal(1),
  version: z.string().min(1).max(128),
  theta: z.array(row).length(specialistNames.length),
  /** Each specialist's performance input is clipped to [−c, c] so one lucky streak cannot take over. */
  performanceClip: z.number().finite().positive(),
});
export type MetaControllerParams = z.infer<typeof metaControllerParamsSchema>;

/**
 * v1 defaults. Rows are logits_k = θ_k · [p_bull, p_bear, p_sideways, H, perf_k, 1]:
 *
 *   bull_specialist     [4, 0, 0, 0,   2, 0]
 *   bear_specialist     [0, 4, 0, 0,   2, 0]
 *   sideways_specialist [0, 0, 4, 0.5, 2, 0]
 *
 * - Routing, 4 on the specialist's own regime: with that regime certain and equal performance the
 *   specialist gets e⁴/(e⁴ + 2) = 0.965 — mostly it, never collapsing past the 0.99 "dominant"
 *   line; at the spec's p = (0.65, 0.15, 0.20) (H = 0.886) the weights are 0.718 / 0.097 / 0.185.
 * - Entropy, 0.5 on the sideways specialist: a linear policy cannot change its own temperature
 *   (a term shared by all rows cancels in the softmax), but the routing term already softens as
 *   the regime probabilities flatten; on top of that, uncertainty moves weight toward the
 *   specialist of the non-directional regime. At maximal uncertainty (p = 1/3 each, H = ln 3) the
 *   sideways specialist gets e^0.549/(2 + e^0.549) = 0.464 and the others 0.268 each.
 * - Performance, 2 on each specialist's own recent Sharpe (per bar, clipped to [−1, 1]): a
 *   specialist 0.25 per bar ahead of another gets e^0.5 ≈ 1.65 times its weight, all else equal.
 * - No biases: with no information the three are equal.
 */
export const defaultMetaControllerParams: MetaControllerParams = Object.freeze({
  format: "tradeops.meta-controller",
  formatVersion: 1,
  version: "meta-v1-default",
  theta: [
    [4, 0, 0, 0, 2, 0],
    [0, 4, 0, 0, 2, 0],
    [0, 0, 4, 0.5, 2, 0],
  ],
  performanceClip: 1,
});

/**
 * The meta-controller v1: a softmax policy over the specialists. `weights` returns the policy's
 * raw output — valid by construction for finite inputs, but passed through `validateWeights`
 * anyway, because a NaN input or a corrupted parameter file would otherwise reach the decision.
 */
export class MetaController {
  readonly params: MetaControllerParams;

  constructor(params: MetaControllerParams = defaultMetaControllerParams) {
    this.params = Object.freeze(metaControllerParamsSchema.parse(params));
  }

  /** Rebuilds a controller from stored parameters (validated); `JSON.parse` output is fine. */
  static fromJSON(params: unknown): MetaController {
    return new MetaController(metaControllerParamsSchema.parse(params));
  }

  get version(): string {
    return this.params.version;
  }

  toJSON(): MetaControllerParams {
    return this.params;
  }

  /** The policy's logits θ_k · x_k, in `specialistNames` order. NaN inputs propagate. */
  logits(input: MetaControllerInput): number[] {
    const clip = this.params.performanceClip;
    return specialistNames.map((name, k) => {
      const theta = this.params.theta[k] ?? [];
      const performance = input.performance[name];
      // Math.min/max would turn NaN into NaN anyway; the explicit test keeps that visible.
      const perf = Number.isNaN(performance) ? Number.NaN : Math.min(clip, Math.max(-clip, performance));
      const x = [input.regime.bull, input.regime.bear, input.regime.sideways, input.entropy, perf, 1];
      let logit = 0;
      for (const [i, value] of x.entries()) logit += (theta[i] ?? 0) * value;
      return logit;
    });
  }

  /** softmax(logits), shifted by the largest logit so no exponential overflows. */
  weights(input: MetaControllerInput): Record<SpecialistName, number> {
    const logits = this.logits(input);
    const top = Math.max(...logits);
    const exps = logits.map((logit) => Math.exp(logit - top));
    let sum = 0;
    for (const e of exps) sum += e;
    return {
      bull_specialist: (exps[0] as number) / sum,
      bear_specialist: (exps[1] as number) / sum,
      sideways_specialist: (exps[2] as number) / sum,
    };
  }
}
