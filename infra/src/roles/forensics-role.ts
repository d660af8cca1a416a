import { decisionsExplainedTopic, tradingDecisionsTopic } from "@tradeops/core";
import { deferredStart } from "./deferred-start";
import { ExplainerThread } from "./explainer-pool";
import type { WorkerRole } from "./worker-role";

/**
 * Explains every decision off the trading path: SHAP values of the decision's score against the
 * background sample, then decision, explanation and audit entry in one transaction. A redelivered
 * event changes nothing; one that cannot be explained is retried, then dead-lettered.
 */
export const forensicsRole: WorkerRole = {
  name: "forensics",
  description: "SHAP explanations and the audit trail of every decision.",
  async start({ env, resources, database, services, logger }) {
    return deferredStart("forensics", logger, async () => {
      // Waits for first-start training, then explains on a worker thread off the event loop.
      await services.productionModels();
      const explainer = await ExplainerThread.start({ env, database });
      const publisher = await services.publisher();
      const subscription = await resources.bus.subscribe({
        topic: tradingDecisionsTopic,
        groupId: "forensics",
        fromBeginning: true,
        handler: async ({ payload }) => {
          const explanation = await explainer.explain(payload);
          const { stored } = await database.repositories.decisions.saveExplainedDecision(payload, explanation);
          if (!stored)
            logger.debug({ decision: payload.decision_id }, "decision already explained: redelivery ignored");
          // Announced on redelivery too: a crash between storing and announcing must not leave it unannounced.
          publisher.publish(decisionsExplainedTopic, [
            {
              key: payload.decision_id,
              payload: {
                event_type: "decision_explained",
                decision_id: payload.decision_id,
                symbol: payload.symbol,
                timestamp: payload.timestamp,
              },
            },
          ]);
        },
      });
      return {
        async stop() {
          await subscription.stop();
          await explainer.close();
        },
      };
    });
  },
};
