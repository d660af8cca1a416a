/**
 * The logging this package needs. Structurally a subset of pino's logger and of core's `Logger`
 * port, so either can be passed without this package importing them.
 */
export interface DbLogger {
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
}

export const silentDbLogger: DbLogger = {
  info: () => {},
  warn: () => {},
};
