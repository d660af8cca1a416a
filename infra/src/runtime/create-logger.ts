import { pino } from "pino";
import type { RuntimeEnv } from "./runtime-env";

/** A pino logger writing JSON lines to stdout; the launcher routes each process's stream to its log file. */
export function createLogger(options: { name: string; level: RuntimeEnv["LOG_LEVEL"] }) {
  return pino({
    name: options.name,
    level: options.level,
    base: { service: options.name, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
