import { z } from "zod";

/** Which symbol's regime history the page follows; the first known symbol when absent. */
export const liveSymbolInput = z
  .object({
    symbol: z
      .string()
      .regex(/^[A-Z][A-Z0-9.-]{0,15}$/)
      .optional(),
  })
  .optional();
