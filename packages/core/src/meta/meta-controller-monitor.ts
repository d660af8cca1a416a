import type { Logger } from "../ports/logger";
import { needsCorrection, type WeightAnomaly, type WeightValidation } from "./weight-validation";

export interface MetaControllerMonitorOptions {
  readonly logger: Logger;
  /** Outputs remembered; the spec's "last 100 meta-controller outputs". */
  readonly window?: number;
  /** Share of the window that may need correction before a rollback; the spec's 10%. */
  readonly maxCorrectedShare?: number;
}

export interface MetaControllerHealth {
  /** Outputs recorded since the monitor started (or was reset). */
  readonly outputs: number;
  /** Of those, how many needed correction. */
  readonly corrected: number;
  /** Outputs flagged with each anomaly (one output can count under several). */
  readonly anomalies: Readonly<Record<WeightAnomaly, number>>;
  /** Corrected outputs among the last `window`. */
  readonly correctedInWindow: number;
  readonly window: number;
  readonly shouldRollBack: boolean;
}

/**
 * Watches the meta-controller's validated outputs (spec scenario 3, "Recovery"): counts every
 * anomaly by kind, logs each anomalous output with the state that produced it, and remembers
 * whether each of the last `window` outputs needed correction. `shouldRollBack` turns true when
 * more than `maxCorrectedShare` of a full window's worth did: with the defaults, an 11th corrected
 * output among the last 100 (so a burst of 11 failures right after start-up counts already; the
 * share is of the window, not of the outputs seen so far). `dominant` outputs are counted and
 * logged but do not count as corrected: the spec keeps them.
 *
 * What a rollback means is the engine's business (see DecisionEngine: regime-based routing until
 * a repaired controller is installed); the monitor only says when.
 */
export class MetaControllerMonitor {
  readonly window: number;
  readonly maxCorrectedShare: number;
  readonly #logger: Logger;
  readonly #recent: Uint8Array;
  #next = 0;
  #correctedInWindow = 0;
  #outputs = 0;
  #corrected = 0;
  #counts: Record<WeightAnomaly, number> = zeroCounts();
  #alerted = false;

  constructor(options: MetaControllerMonitorOptions) {
    const window = options.window ?? 100;
    const share = options.maxCorrectedShare ?? 0.1;
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`window must be a positive integer, got ${window}`);
    if (!(share >= 0 && share < 1)) throw new RangeError(`maxCorrectedShare must lie in [0, 1), got ${share}`);
    this.window = window;
    this.maxCorrectedShare = share;
    this.#logger = options.logger;
    this.#recent = new Uint8Array(window);
  }

  /** Records one output; `context` (inputs, raw weights, parameters version...) goes into the anomaly log. */
  record(validation: WeightValidation, context: Record<string, unknown> = {}): void {
    const corrected = needsCorrection(validation);
    this.#outputs += 1;
    if (corrected) this.#corrected += 1;
    for (const anomaly of validation.anomalies) this.#counts[anomaly] += 1;
    this.#correctedInWindow += (corrected ? 1 : 0) - (this.#recent[this.#next] as number);
    this.#recent[this.#next] = corrected ? 1 : 0;
    this.#next = (this.#next + 1) % this.window;
    if (validation.anomalies.length > 0) {
      this.#logger.warn(
        {
          ...context,
          anomalies: validation.anomalies,
          fallback: validation.fallback,
          correctedWeights: validation.weights,
          anomalyCounts: { ...this.#counts },
        },
        "meta-controller output failed validation; using corrected weights",
      );
    }
    if (this.shouldRollBack && !this.#alerted) {
      this.#alerted = true;
      this.#logger.error(
        { correctedInWindow: this.#correctedInWindow, window: this.window, maxCorrectedShare: this.maxCorrectedShare },
        "Meta-controller output validation failed: too many corrected outputs, rollback required",
      );
    }
  }

  get shouldRollBack(): boolean {
    return this.#correctedInWindow > this.maxCorrectedShare * this.window;
  }

  health(): MetaControllerHealth {
    return {
      outputs: this.#outputs,
      corrected: this.#corrected,
      anomalies: { ...this.#counts },
      correctedInWindow: this.#correctedInWindow,
      window: this.window,
      shouldRollBack: this.shouldRollBack,
    };
  }

  /** Forgets everything: for a newly installed controller. */
  reset(): void {
    this.#recent.fill(0);
    this.#next = 0;
    this.#correctedInWindow = 0;
    this.#outputs = 0;
    this.#corrected = 0;
    this.#counts = zeroCounts();
    this.#alerted = false;
  }
}

function zeroCounts(): Record<WeightAnomaly, number> {
  return { sum_not_one: 0, negative: 0, dominant: 0, non_finite: 0, all_zero: 0 };
}
