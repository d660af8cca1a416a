import type { Logger } from "@tradeops/core";

export interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/**
 * Runs the steps in order on SIGINT, SIGTERM, or when the launcher that spawned this process goes
 * away (IPC disconnect), so no process outlives its parent. A second signal, or the grace period
 * running out, exits at once with a non-zero code.
 */
export function installGracefulShutdown(options: {
  logger: Logger;
  graceMs: number;
  steps: readonly ShutdownStep[];
  exit?: (code: number) => void;
  /** Where signals come from; the process itself unless a test supplies its own emitter. */
  signals?: Pick<NodeJS.Process, "on" | "send">;
}) {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? process;
  let shuttingDown = false;

  const shutdown = async (reason: string) => {
    if (shuttingDown) {
      options.logger.warn({ reason }, "second shutdown request: exiting now");
      exit(130);
      return;
    }
    shuttingDown = true;
    options.logger.info({ reason }, "shutting down");
    const deadline = setTimeout(() => {
      options.logger.error({ graceMs: options.graceMs }, "shutdown grace period exceeded: exiting");
      exit(1);
    }, options.graceMs);
    deadline.unref();
    let failed = false;
    for (const step of options.steps) {
      try {
        await step.run();
      } catch (error) {
        failed = true;
        options.logger.error({ err: error, step: step.name }, "shutdown step failed");
      }
    }
    clearTimeout(deadline);
    options.logger.info("stopped");
    exit(failed ? 1 : 0);
  };

  signals.on("SIGINT", () => void shutdown("SIGINT"));
  signals.on("SIGTERM", () => void shutdown("SIGTERM"));
  if (signals.send) signals.on("disconnect", () => void shutdown("parent process gone"));
  return shutdown;
}
