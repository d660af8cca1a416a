import { z } from "zod";

/** Forensics has stored a decision's explanation: the console marks the decision explained. */
export const decisionExplainedEvent = z.object({
  event_type: z.literal("decision_explained"),
  decision_id: z.uuid(),
  symbol: z.string().min(1).max(32),
  /** The decision's own timestamp. */
  timestamp: z.iso.datetime({ offset: true }),
});

export type DecisionExplainedEvent = z.infer<typeof decisionExplainedEvent>;
