import type { Logger } from "@tradeops/core";
import type { RunningRole } from "./worker-role";

/**
 * Starts a role's body in the background: roles that need the production models would otherwise
 * hold up the whole process (and its health endpoint) during first-start training. Stopping
 * aborts the signal the body was given (so a body still waiting, e.g. on a lease, gives up), waits
 * for the body, then stops it; a body that failed to start is logged, not rethrown.
 */
export function deferredStart(
  name: string,
  logger: Logger,
  body: (signal: AbortSignal) => Promise<RunningRole>,
): RunningRole {
  const abort = new AbortController();
  const running = body(abort.signal).then(
    (role) => role,
    (error: unknown) => {
      if (!abort.signal.aborted) logger.error({ err: error, role: name }, "role failed to start");
      return undefined;
    },
  );
  return {
    async stop() {
      abort.abort();
      await (await running)?.stop();
    },
  };
}
