import type { Logger } from "@tradeops/core";
import type { ReadinessService } from "@tradeops/infra";
import { marketDataRejections } from "@tradeops/infra";
import { TRPCError } from "@trpc/server";
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";
import type { ApiKeyAuthenticator } from "./auth/authenticator";
import { installRequestPrincipal } from "./auth/request-principal";
import { ApiError } from "./http/api-error";
import { installErrorHandling } from "./http/error-handler";
import { registerHealthRoutes } from "./http/health-routes";
import { installMetrics } from "./http/metrics";
import { buildOpenApiDocument } from "./openapi/openapi-document";
import { operations } from "./openapi/operations";
import { registerRestV1 } from "./rest/v1/routes";
import { type AppRouter, appRouter } from "./trpc/root";
import type { ApiServiceBag } from "./trpc/trpc";

export interface ApiServices extends ApiServiceBag {
  readonly readiness: ReadinessService;
}

/** The HTTP surface: health, metrics, OpenAPI, the public REST API and tRPC for the console. */
export async function buildServer(options: {
  services: ApiServices;
  /** Resolves `Authorization: Bearer <key>` to a principal (REST and tRPC alike). */
  authenticator: ApiKeyAuthenticator;
  logger: Logger;
  version: string;
}) {
  const app = Fastify({
    // No request logger: per-request log lines would dominate the hot endpoints' latency budget;
    // errors are logged by the error handler.
    bodyLimit: 1024 * 1024,
    // The console's SSE subscriptions stay open; the server's close waits for them otherwise.
    forceCloseConnections: true,
  });
  installErrorHandling(app, options.logger);
  installMetrics(app, {
    service: "api",
    featureCache: () => options.services.features.cacheCounts(),
    marketDataRejections: () => marketDataRejections.snapshot(),
  });
  registerHealthRoutes(app, options.services.readiness);
  installRequestPrincipal(app, options.authenticator);

  const document = buildOpenApiDocument(
    {
      title: "TradeOps API",
      version: options.version,
      description: "Public REST API for execution engines: features, predictions, risk checks, forensics.",
    },
    operations,
  );
  app.get("/api/v1/openapi.json", async () => document);
  registerRestV1(app, options.services);

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: async ({ req }) => {
        try {
          const principal = await options.authenticator.authenticate(req.headers.authorization);
          return { services: options.services, requestId: String(req.id), principal };
        } catch (error) {
          if (error instanceof ApiError) throw new TRPCError({ code: "UNAUTHORIZED", message: error.message });
          throw error;
        }
      },
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") options.logger.error({ err: error, path }, "tRPC procedure failed");
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });
  return app;
}
