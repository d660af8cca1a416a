import { initTRPC } from "@trpc/server";
import type { FeatureApiService } from "../services/feature-service";
import type { LiveFeed } from "../services/live-feed";
import type { SystemService } from "../services/system-service";
import type { TradingService } from "../services/trading-service";

export interface ApiServiceBag {
  readonly system: SystemService;
  readonly live: LiveFeed;
  readonly trading: TradingService;
  readonly features: FeatureApiService;
  /** The process publisher's backlog, once it exists. */
  readonly publisherStats: () => { degraded: boolean; buffered: number; spilled: number } | undefined;
}

/** What every procedure can reach: the services, never adapters or the database directly. */
interface TrpcContext {
  readonly services: ApiServiceBag;
  readonly requestId: string;
}

const t = initTRPC.context<TrpcContext>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
