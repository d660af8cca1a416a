/** Test support for the decision domain (not exported by any barrel). */
import type { Logger } from "../ports/logger";

export interface LoggedLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A Logger that keeps every line, to assert on what was logged. */
export function recordingLogger(lines: LoggedLine[] = []): Logger & { readonly lines: LoggedLine[] } {
  const at =
    (level: LoggedLine["level"]) =>
    (fieldsOrMessage: Record<string, unknown> | string, message?: string): void => {
      if (typeof fieldsOrMessage === "string") lines.push({ level, fields: {}, message: fieldsOrMessage });
      else lines.push({ level, fields: fieldsOrMessage, message });
    };
  const logger = {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return logger;
}
