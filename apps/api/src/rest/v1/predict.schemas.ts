import { specialistNames } from "@tradeops/core";
import { z } from "zod";
import { regimeProbabilities, strategyWeights, symbolParam } from "./common.schemas";

/** The spec's POST /api/v1/predict request. */
export const predictRequest = z
  .object({
    symbol: symbolParam,
    timestamp: z.iso.datetime({ offset: true }).optional(),
    strategy_override: z.enum(specialistNames).nullable().optional(),
    risk_check: z.boolean().default(true),
    explain: z.boolean().default(false),
  })
  .strict();

// "not_evaluated": a control that had no input to judge by (e.g. VaR before enough returns).
const check = z.enum(["pass", "fail", "warn", "not_evaluated"]);

const riskValidation = z.object({
  approved: z.boolean(),
  warnings: z.array(z.string()),
  checks: z.record(z.string(), check),
});

/** The spec's POST /api/v1/predict response. */
export const predictResponse = z.object({
  decision_id: z.uuid(),
  symbol: z.string(),
  action: z.enum(["BUY", "SELL", "HOLD"]),
  confidence: z.number().min(0).max(1),
  recommended_quantity: z.number().int().nonnegative(),
  regime_probabilities: regimeProbabilities,
  strategy_weights: strategyWeights,
  risk_validation: riskValidation.nullable(),
  explanation: z
    .object({
      shap_values: z.record(z.string(), z.number()),
      base_value: z.number(),
      model_output: z.number(),
      regime_reasoning: z.string(),
      strategy_selection: z.string(),
    })
    .optional(),
  metadata: z.object({
    model_version: z.string(),
    latency_ms: z.number().nonnegative(),
    timestamp: z.string(),
  }),
});
