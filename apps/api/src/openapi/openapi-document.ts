import { z } from "zod";

export interface OperationSpec {
  readonly method: "get" | "post" | "put" | "delete";
  readonly path: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly request?: { readonly body?: z.ZodType; readonly query?: z.ZodType; readonly params?: z.ZodType };
  /** Roles whose API key (`Authorization: Bearer <key>`) may call it; absent, the operation is open. */
  readonly roles?: readonly string[];
  /**
   * Status code -> description and, when there is a body, its schema; `contentType` defaults to
   * JSON (a streamed body names its own, its schema then describing one item).
   */
  readonly responses: Readonly<
    Record<number, { readonly description: string; readonly schema?: z.ZodType; readonly contentType?: string }>
  >;
}

/**
 * Builds the OpenAPI 3.1 document from the same zod schemas the routes validate with, so the
 * document cannot drift from what the server accepts and returns.
 */
export function buildOpenApiDocument(
  info: { title: string; version: string; description: string },
  operations: readonly OperationSpec[],
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters = [
      ...objectParameters(op.request?.params, "path"),
      ...objectParameters(op.request?.query, "query"),
    ];
    const operation = {
      summary: op.summary,
      ...(op.roles ? { description: `Needs an API key of role ${op.roles.join(", ")}.` } : {}),
      tags: op.tags,
      ...(op.roles ? { security: [{ apiKey: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.request?.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(op.request.body, "input") } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [response.contentType ?? "application/json"]: { schema: jsonSchema(response.schema, "output") },
                  },
                }
              : {}),
          },
        ]),
      ),
    };
    const openApiPath = op.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    paths[openApiPath] = { ...paths[openApiPath], [op.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description:
            "An API key (`tro_…`) as a bearer token. Open operations accept requests without one; a key that is sent must be valid (else 401).",
        },
      },
    },
  };
}

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function objectParameters(schema: z.ZodType | undefined, location: "path" | "query") {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}
