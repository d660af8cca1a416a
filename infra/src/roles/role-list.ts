import { z } from "zod";
import { workerRoleNames } from "./worker-roles";

/**
 * WORKER_ROLES: `all`, `none`, or a comma-separated list of role names. Resolves to the role
 * names in start order; an unknown name is a configuration error that lists the valid ones.
 */
export const roleListSchema = z.string().transform((value, ctx) => {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.includes("none")) return [];
  if (names.includes("all")) return [...workerRoleNames];
  for (const name of names) {
    if (!workerRoleNames.includes(name)) {
      ctx.addIssue({
        code: "custom",
        message: `unknown role ${name}; expected all, none or ${workerRoleNames.join(", ")}`,
      });
    }
  }
  return workerRoleNames.filter((name) => names.includes(name));
});
