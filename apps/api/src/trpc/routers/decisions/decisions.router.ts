import { publicProcedure, router } from "../../trpc";
import { explanationInput } from "./decisions.schemas";

export const decisionsRouter = router({
  /** A decision's SHAP explanation and reasoning, or null while forensics is still computing it. */
  explanation: publicProcedure
    .input(explanationInput)
    .query(({ ctx, input }) => ctx.services.trading.explanation(input.decisionId)),
});
