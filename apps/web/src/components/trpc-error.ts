/** A failed call as the page shows it: what kind of refusal, and the server's own words. */
export interface ErrorReport {
  /** tRPC's code (UNAUTHORIZED, FORBIDDEN, BAD_REQUEST, CONFLICT…), or null for a network failure. */
  readonly code: string | null;
  readonly status: number | null;
  /** A plain-language heading for the code. */
  readonly title: string;
  /** The server's message, one line per problem (validation issues are listed one by one). */
  readonly lines: readonly string[];
}

const titles: Readonly<Record<string, string>> = {
  UNAUTHORIZED: "Not signed in: this needs a valid API key",
  FORBIDDEN: "Not allowed for your role",
  BAD_REQUEST: "Refused",
  CONFLICT: "Someone else changed this at the same time: reloaded, try again",
  PRECONDITION_FAILED: "Not ready yet",
  TOO_MANY_REQUESTS: "Too many requests",
  INTERNAL_SERVER_ERROR: "The API failed",
};

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
}

/** zod's issues, when the message is their JSON (tRPC's default for an input that fails its schema). */
function issueLines(message: string): string[] | null {
  if (!message.trimStart().startsWith("[")) return null;
  try {
    const parsed: unknown = JSON.parse(message);
    if (!Array.isArray(parsed)) return null;
    return parsed.map((issue) => {
      const entry = record(issue);
      const path = Array.isArray(entry?.path) ? entry.path.join(".") : "";
      const text = typeof entry?.message === "string" ? entry.message : JSON.stringify(issue);
      return path === "" ? text : `${path}: ${text}`;
    });
  } catch {
    return null;
  }
}

/** Reads a TRPCClientError (or anything thrown) without trusting its shape. */
export function describeError(error: unknown): ErrorReport {
  const data = record(record(error)?.data);
  const code = typeof data?.code === "string" ? data.code : null;
  const status = typeof data?.httpStatus === "number" ? data.httpStatus : null;
  const message = error instanceof Error ? error.message : String(error);
  const lines =
    issueLines(message) ??
    message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
  const title = code === null ? "The API did not answer" : (titles[code] ?? code);
  return { code, status, title, lines };
}
