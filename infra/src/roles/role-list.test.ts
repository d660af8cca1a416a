import { describe, expect, it } from "vitest";
import { roleListSchema } from "./role-list";
import { workerRoleNames } from "./worker-roles";

describe("roleListSchema", () => {
  it("expands all and none", () => {
    expect(roleListSchema.parse("all")).toEqual([...workerRoleNames]);
    expect(roleListSchema.parse("none")).toEqual([]);
  });

  it("keeps named roles in start order and ignores blanks", () => {
    expect(roleListSchema.parse(" maintenance , ")).toEqual(["maintenance"]);
  });

  it("rejects an unknown role and lists the valid ones", () => {
    const result = roleListSchema.safeParse("maintenance,forecasting");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      `unknown role forecasting; expected all, none or ${workerRoleNames.join(", ")}`,
    );
  });
});
