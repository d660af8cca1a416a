import type { Logger } from "@tradeops/core";
import type { RunningRole } from "./worker-role";

/**
 * Starts a role's body in the background: roles that need the production models would otherwise
 * hold up the whole process (and its health endpoint) during first-start training. Stopping waits
 * for the body to be running, then stops it; a body that failed to start is logged, not rethrown.
 */
export function deferredStart(name: string, logger: Logger, body: () => Promise<RunningRole>): RunningRole {
  const running = body().then(
    (role) => role,
    (error: unknown) => {
      logger.error({ err: error, role: name }, "role failed to start");
      return undefined;
    },
  );
  return {
    async stop() {
      await (await running)?.stop();
    },
  };
}
