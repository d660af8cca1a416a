import { z } from "zod";
import { type Timeframe, timeframes } from "../market/bar";

/**
 * The features of one (symbol, timeframe) as of one bar. `timestamp` is the bar's END time (when
 * it completed, ISO 8601 UTC): the earliest moment these values could have been known, which is
 * what lets anything downstream line them up with other data without lookahead. `features` holds
 * only the features that are warm; an absent key means "no value yet", never 0.
 */
export interface FeatureVector {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly timestamp: string;
  readonly features: Readonly<Record<string, number>>;
  readonly version: string;
}

export const featureVectorSchema = z.object({
  symbol: z.string().min(1),
  timeframe: z.enum(timeframes),
  timestamp: z.iso.datetime(),
  features: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.number()),
  version: z.string().min(1),
});
