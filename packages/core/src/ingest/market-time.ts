import { z } from "zod";

/** 1990-01-01T00:00:00Z: an earlier time is far more likely epoch SECONDS sent by mistake than real data. */
export const earliestMarketTime = Date.UTC(1990, 0, 1);

/** The largest time a JavaScript Date can hold. */
const latestMarketTime = 8_640_000_000_000_000;

const epochMs = z
  .number()
  .int("epoch milliseconds must be an integer")
  .min(earliestMarketTime, "before 1990-01-01: epoch seconds instead of milliseconds?")
  .max(latestMarketTime);

/**
 * A point in market time as the sources accept it: an ISO 8601 date-time with seconds and an
 * explicit zone (`2026-01-05T14:30:00.123Z`, `2026-01-05T09:30:00-05:00`), or epoch milliseconds.
 * Parses to epoch ms. A zone-less date-time is refused: its meaning depends on the reader's zone.
 */
export const marketTimeSchema = z.union(
  [
    epochMs,
    z.iso
      .datetime({ offset: true })
      .transform((text) => Date.parse(text))
      .pipe(epochMs),
  ],
  { error: "expected an ISO 8601 date-time with seconds and a zone (Z or +hh:mm), or integer epoch ms" },
);
