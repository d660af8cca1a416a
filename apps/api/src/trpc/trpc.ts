import type { UserRole } from "@tradeops/core";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Principal } from "../auth/authenticator";
import { ApiError } from "../http/api-error";
import type { FeatureApiService } from "../services/feature-service";
import type { LiveFeed } from "../services/live-feed";
import type { RiskService } from "../services/risk-service";
import type { SystemService } from "../services/system-service";
import type { TradingService } from "../services/trading-service";

export interface ApiServiceBag {
  readonly system: SystemService;
  readonly live: LiveFeed;
  readonly trading: TradingService;
  readonly features: FeatureApiService;
  readonly risk: RiskService;
  /** The process publisher's backlog, once it exists. */
  readonly publisherStats: () => { degraded: boolean; buffered: number; spilled: number } | undefined;
}

/** What every procedure can reach: the services and the caller, never adapters or the database directly. */
interface TrpcContext {
  readonly services: ApiServiceBag;
  readonly requestId: string;
  /** Who sent the request (`Authorization: Bearer <key>`); null without a key. */
  readonly principal: Principal | null;
}

const t = initTRPC.context<TrpcContext>().create();

const trpcCodeOf: Readonly<Record<number, TRPCError["code"]>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  503: "SERVICE_UNAVAILABLE",
};

/** The services speak ApiError (the REST status codes); the console gets the matching tRPC code. */
const apiErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ApiError) {
    const cause = result.error.cause;
    throw new TRPCError({
      code: trpcCodeOf[cause.statusCode] ?? "INTERNAL_SERVER_ERROR",
      message: cause.message,
      cause,
    });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(apiErrors);

/** A procedure for callers with one of `roles`: UNAUTHORIZED without a key, FORBIDDEN with another role. */
export function protectedProcedure(roles: readonly UserRole[]) {
  return publicProcedure.use(({ ctx, next }) => {
    const { principal } = ctx;
    if (principal === null) {
      throw new TRPCError({
        code: "UNAUTHORIZED",
        message: "this operation needs an API key (Authorization: Bearer <key>)",
      });
    }
    if (!roles.includes(principal.role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `a ${principal.role} may not do this (needs ${roles.join(" or ")})`,
      });
    }
    return next({ ctx: { ...ctx, principal } });
  });
}
