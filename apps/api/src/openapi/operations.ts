import { z } from "zod";
import type { OperationSpec } from "./openapi-document";

const readinessSchema = z.object({
  ready: z.boolean(),
  checkedAt: z.string(),
  checks: z.array(
    z.object({
      name: z.string(),
      adapter: z.string(),
      ok: z.boolean(),
      latencyMs: z.number(),
      error: z.string().optional(),
    }),
  ),
});

/** Every public HTTP operation, documented from its schemas. */
export const operations: readonly OperationSpec[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process serves HTTP. Touches no dependency.",
    tags: ["operations"],
    responses: {
      200: { description: "alive", schema: z.object({ status: z.literal("ok"), uptimeSeconds: z.number() }) },
    },
  },
  {
    method: "get",
    path: "/readyz",
    summary: "Readiness: database (and its migrations), bus, cache, queue and model store all answer.",
    tags: ["operations"],
    responses: {
      200: { description: "ready", schema: readinessSchema },
      503: { description: "a dependency does not answer", schema: readinessSchema },
    },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document.",
    tags: ["operations"],
    responses: { 200: { description: "OpenAPI 3.1 document" } },
  },
];
