import type { Logger } from "@tradeops/core";
import { type LogEntry, type logCreator, logLevel } from "kafkajs";

/**
 * Sends kafkajs's own logging to the process logger instead of stdout, at the same level, with
 * kafkajs's namespace (Connection, Consumer, Runner...) as a field. Errors in fields become
 * their messages: structured loggers render a bare Error as `{}`.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...rest } = log;
      const fields: Record<string, unknown> = { namespace };
      for (const [name, value] of Object.entries(rest)) {
        fields[name] = value instanceof Error ? `${value.name}: ${value.message}` : value;
      }
      const text = typeof message === "string" ? message : String(message);
      switch (level) {
        case logLevel.ERROR:
        case logLevel.NOTHING:
          logger.error(fields, text);
          break;
        case logLevel.WARN:
          logger.warn(fields, text);
          break;
        case logLevel.INFO:
          logger.info(fields, text);
          break;
        default:
          logger.debug(fields, text);
      }
    };
}
