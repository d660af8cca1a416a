import type { z } from "zod";
import { ApiError } from "../../http/api-error";

/** Parses a request part, turning a failure into the spec's status with every problem listed. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, status: number, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(
    status,
    status === 422 ? "UNPROCESSABLE" : status === 404 ? "NOT_FOUND" : "BAD_REQUEST",
    `invalid ${what}: ${result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`,
    result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  );
}
