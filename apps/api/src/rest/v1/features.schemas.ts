import { timeframes } from "@tradeops/core";
import { z } from "zod";
import { symbolParam } from "./common.schemas";

export const featuresParams = z.object({
  symbol: symbolParam,
  timeframe: z.enum(timeframes, { error: `timeframe must be one of ${timeframes.join(", ")}` }),
});

/** An ISO 8601 date-time with its offset, from 1970 on (bars are stamped in epoch milliseconds). */
export function isoInstant(name: string) {
  return z.iso
    .datetime({ offset: true, error: `${name} must be an ISO 8601 date-time, e.g. 2025-10-21T14:30:00Z` })
    .refine((value) => Date.parse(value) >= 0, `${name} must not be before 1970-01-01T00:00:00Z`);
}

export const featuresQuery = z.object({
  timestamp: isoInstant("timestamp").optional(),
  version: z
    .string()
    .regex(/^v\d+(\.\d+)*$/, "version must look like v1.0")
    .optional(),
});

/** The spec's GET /api/v1/features/{symbol}/{timeframe} response. */
export const featuresResponse = z.object({
  symbol: z.string(),
  timeframe: z.enum(timeframes),
  timestamp: z.string(),
  features: z.record(z.string(), z.number()),
  metadata: z.object({
    cache_hit: z.boolean(),
    pipeline_version: z.string(),
    generated_at: z.string(),
  }),
});
