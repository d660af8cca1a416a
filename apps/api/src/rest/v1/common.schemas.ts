import { z } from "zod";

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export const symbolParam = z
  .string()
  .regex(/^[A-Z][A-Z0-9.-]{0,15}$/, "a ticker: capitals, digits, '.' or '-', at most 16 characters");

const probability = z.number().min(0).max(1);

export const regimeProbabilities = z.object({
  bull: probability,
  bear: probability,
  sideways: probability,
  entropy: z.number().nonnegative(),
});

export const strategyWeights = z.object({
  bull_specialist: probability,
  bear_specialist: probability,
  sideways_specialist: probability,
});
