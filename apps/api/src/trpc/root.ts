import { dataRouter } from "./routers/data/data.router";
import { decisionsRouter } from "./routers/decisions/decisions.router";
import { liveRouter } from "./routers/live/live.router";
import { riskRouter } from "./routers/risk/risk.router";
import { systemRouter } from "./routers/system/system.router";
import { router } from "./trpc";

export const appRouter = router({
  system: systemRouter,
  live: liveRouter,
  decisions: decisionsRouter,
  data: dataRouter,
  risk: riskRouter,
});

export type AppRouter = typeof appRouter;
