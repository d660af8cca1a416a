import { timeframes } from "@tradeops/core";
import { z } from "zod";
import { symbolParam } from "../../../rest/v1/common.schemas";
import { isoInstant } from "../../../rest/v1/features.schemas";

/** A page of bars and features between two times; `cursor` is the previous page's `nextCursor`. */
export const historyPageInput = z
  .object({
    symbol: symbolParam,
    timeframe: z.enum(timeframes),
    start: isoInstant("start"),
    end: isoInstant("end"),
    cursor: isoInstant("cursor").optional(),
    limit: z.number().int().min(1).max(1_000).default(500),
  })
  .refine((input) => Date.parse(input.start) < Date.parse(input.end), {
    message: "start must be before end",
    path: ["end"],
  })
  .refine((input) => input.cursor === undefined || Date.parse(input.cursor) >= Date.parse(input.start), {
    message: "cursor must not be before start",
    path: ["cursor"],
  });
