import { fromRegimeEstimateEvent, marketRegimesTopic } from "@tradeops/core";
import type { WorkerRole } from "./worker-role";

/** Stores every regime estimate in regime_history (idempotent on symbol and time). */
export const recorderRole: WorkerRole = {
  name: "recorder",
  description: "Persists regime estimates to regime_history.",
  async start({ resources, database }) {
    const subscription = await resources.bus.subscribe({
      topic: marketRegimesTopic,
      groupId: "regime-recorder",
      fromBeginning: true,
      handler: async ({ payload }) => {
        await database.repositories.regimes.append([fromRegimeEstimateEvent(payload)]);
      },
    });
    return { stop: () => subscription.stop() };
  },
};
