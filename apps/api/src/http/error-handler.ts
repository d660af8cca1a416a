import type { Logger } from "@tradeops/core";
import type { FastifyInstance } from "fastify";
import { ApiError, errorBody } from "./api-error";

/** Every error leaves as JSON with a stable code; unexpected ones are logged with the request id. */
export function installErrorHandling(app: FastifyInstance, logger: Logger) {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody("NOT_FOUND", `no route for ${request.method} ${request.url}`));
  });
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    const status =
      typeof error === "object" && error !== null && "statusCode" in error ? Number(error.statusCode) : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, body too large, unsupported media type.
      const message = error instanceof Error ? error.message : "bad request";
      return reply.code(status).send(errorBody("BAD_REQUEST", message));
    }
    logger.error({ err: error, requestId: request.id, url: request.url }, "unhandled error");
    return reply.code(500).send(errorBody("INTERNAL", `internal error (request ${request.id})`));
  });
}
