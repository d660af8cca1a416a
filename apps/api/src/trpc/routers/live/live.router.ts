import { publicProcedure, router } from "../../trpc";
import { liveSymbolInput } from "./live.schemas";

export const liveRouter = router({
  /** The Live page's first render: recent regimes of one symbol, recent decisions, portfolio, pipeline state. */
  snapshot: publicProcedure.input(liveSymbolInput).query(({ ctx, input }) => ({
    ...ctx.services.live.snapshot(input?.symbol),
    pipeline: ctx.services.trading.pipelineStatus(ctx.services.publisherStats()),
  })),

  /** Every new regime estimate (of the chosen symbol), decision and portfolio state, as server-sent events. */
  stream: publicProcedure.input(liveSymbolInput).subscription(async function* ({ ctx, input, signal }) {
    const stop = signal ?? new AbortController().signal;
    for await (const event of ctx.services.live.events(stop)) {
      if (event.type === "regime" && input?.symbol !== undefined && event.estimate.symbol !== input.symbol) continue;
      yield event;
    }
  }),
});
