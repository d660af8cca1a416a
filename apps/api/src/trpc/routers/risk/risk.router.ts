import { protectedProcedure, publicProcedure, router } from "../../trpc";
import {
  reviseLimitsInput,
  reviseLimitsOutput,
  riskOverviewOutput,
  setTradingStateInput,
  setTradingStateOutput,
  whoamiOutput,
} from "./risk.schemas";

const riskOfficers = ["risk_officer", "admin"] as const;

export const riskRouter = router({
  /** Limits, trading state, audit trail, latest risk state, HRP targets and alerts: the Risk page. */
  overview: publicProcedure.output(riskOverviewOutput).query(({ ctx }) => ctx.services.risk.overview()),
  /** The kill switch: ACTIVE, REDUCING or HALTED, with a reason; effective in every process. */
  setTradingState: protectedProcedure(riskOfficers)
    .input(setTradingStateInput)
    .output(setTradingStateOutput)
    .mutation(({ ctx, input }) => ctx.services.risk.setTradingState(input.state, input.reason, ctx.principal)),
  reviseLimits: protectedProcedure(riskOfficers)
    .input(reviseLimitsInput)
    .output(reviseLimitsOutput)
    .mutation(({ ctx, input }) => ctx.services.risk.reviseLimits(input.limits, input.reason, ctx.principal)),
  /** Who the key sent belongs to, or null without a key. */
  whoami: publicProcedure
    .output(whoamiOutput)
    .query(({ ctx }) => (ctx.principal === null ? null : { email: ctx.principal.email, role: ctx.principal.role })),
});
