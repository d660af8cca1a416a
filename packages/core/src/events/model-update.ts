import { z } from "zod";

/** The spec's `model_update` event, emitted after every online update attempt. */
export const modelUpdateEvent = z.object({
  event_type: z.literal("model_update"),
  timestamp: z.iso.datetime({ offset: true }),
  model_id: z.string().min(1),
  update_type: z.enum(["incremental", "full_retrain"]),
  data_window: z.object({
    start: z.iso.datetime({ offset: true }),
    end: z.iso.datetime({ offset: true }),
  }),
  performance_metrics: z.object({
    sharpe_pre: z.number().finite(),
    sharpe_post: z.number().finite(),
    degradation_pct: z.number().finite(),
  }),
  stability_check: z.enum(["passed", "failed_rollback"]),
});

export type ModelUpdateEvent = z.infer<typeof modelUpdateEvent>;
