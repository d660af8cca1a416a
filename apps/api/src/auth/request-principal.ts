import type { FastifyInstance } from "fastify";
import type { ApiKeyAuthenticator, Principal } from "./authenticator";

declare module "fastify" {
  interface FastifyRequest {
    /** Who sent a /api/v1 request (`Authorization: Bearer <key>`); null without a key. */
    principal: Principal | null;
  }
}

/**
 * Resolves the principal of every public REST request before its handler runs: a request with
 * an invalid, expired or revoked key is answered 401 whatever it asks for. (tRPC resolves its own
 * in its context, to answer in tRPC's error shape.)
 */
export function installRequestPrincipal(app: FastifyInstance, authenticator: ApiKeyAuthenticator): void {
  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/api/v1/")) return;
    request.principal = await authenticator.authenticate(request.headers.authorization);
  });
}
