import { z } from "zod";
import { featuresParams, isoInstant } from "./features.schemas";

export const historyParams = featuresParams;

export const historyQuery = z
  .object({
    start: isoInstant("start"),
    end: isoInstant("end"),
  })
  .refine((query) => Date.parse(query.start) < Date.parse(query.end), {
    message: "start must be before end",
    path: ["end"],
  });

/**
 * One line of GET /api/v1/history/{symbol}/{timeframe} (NDJSON): a bar opening in [start, end)
 * and the features known at its end (`timestamp`), computed by the one feature pipeline. A
 * failure after the first line ends the stream with a line `{"error": {...}}` instead.
 */
export const historyRow = z.object({
  timestamp: z.string().describe("the bar's end: when these features became known (ISO 8601, UTC)"),
  bar: z.object({
    time: z.string().describe("the bar's open time (ISO 8601, UTC)"),
    open: z.number(),
    high: z.number(),
    low: z.number(),
    close: z.number(),
    volume: z.number(),
  }),
  features: z.record(z.string(), z.number()),
});

export const historyLineSchema = z.union([
  historyRow,
  z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
]);
