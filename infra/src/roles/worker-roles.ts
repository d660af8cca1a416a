import { decisionsRole } from "./decisions-role";
import { forensicsRole } from "./forensics-role";
import { maintenanceRole } from "./maintenance-role";
import { marketRole } from "./market-role";
import { recorderRole } from "./recorder-role";
import { trainingRole } from "./training-role";
import type { RoleContext, RunningRole, WorkerRole } from "./worker-role";

/** Every role a process can host, in start order. */
export const workerRoles: readonly WorkerRole[] = [
  maintenanceRole,
  trainingRole,
  recorderRole,
  forensicsRole,
  decisionsRole,
  marketRole,
];

export const workerRoleNames: readonly string[] = workerRoles.map((role) => role.name);

/**
 * Starts the named roles in order; if one fails to start, those already started are stopped
 * before the error propagates, so a process never runs half its roles.
 */
export async function startRoles(names: readonly string[], context: RoleContext) {
  const running: { name: string; role: RunningRole }[] = [];
  try {
    for (const role of workerRoles) {
      if (!names.includes(role.name)) continue;
      running.push({
        name: role.name,
        role: await role.start({ ...context, logger: context.logger.child({ role: role.name }) }),
      });
      context.logger.info({ role: role.name }, "role started");
    }
  } catch (error) {
    await stopRoles(running, context);
    throw error;
  }
  return {
    names: running.map((r) => r.name),
    stop: () => stopRoles(running, context),
  };
}

async function stopRoles(running: { name: string; role: RunningRole }[], context: RoleContext) {
  for (const { name, role } of [...running].reverse()) {
    try {
      await role.stop();
    } catch (error) {
      context.logger.error({ err: error, role: name }, "role did not stop cleanly");
    }
  }
}
