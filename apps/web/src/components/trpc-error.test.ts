import { describe, expect, it } from "vitest";
import { describeError } from "./trpc-error";

function trpcError(message: string, code: string, httpStatus: number): Error {
  return Object.assign(new Error(message), { data: { code, httpStatus } });
}

describe("describeError", () => {
  it("names the refusal and keeps the server's message", () => {
    const report = describeError(
      trpcError("this operation needs an API key (Authorization: Bearer <key>)", "UNAUTHORIZED", 401),
    );
    expect(report).toEqual({
      code: "UNAUTHORIZED",
      status: 401,
      title: "Not signed in: this needs a valid API key",
      lines: ["this operation needs an API key (Authorization: Bearer <key>)"],
    });
    expect(describeError(trpcError("a trader may not do this", "FORBIDDEN", 403)).title).toBe(
      "Not allowed for your role",
    );
    expect(describeError(trpcError("lost the race", "CONFLICT", 409)).title).toContain("changed this at the same time");
  });

  it("lists zod's issues one per line, with their paths", () => {
    const issues = [
      { code: "too_big", path: ["limits", "maxPositionShare"], message: "Too big: expected number to be <=1" },
      { code: "too_small", path: ["reason"], message: "Too small: expected string to have >=3 characters" },
    ];
    expect(describeError(trpcError(JSON.stringify(issues, null, 2), "BAD_REQUEST", 400)).lines).toEqual([
      "limits.maxPositionShare: Too big: expected number to be <=1",
      "reason: Too small: expected string to have >=3 characters",
    ]);
  });

  it("splits a multi-line message (zod's prettified errors) and survives anything thrown", () => {
    const pretty = "✖ position warning above its limit\n  → at positionWarnShare\n";
    expect(describeError(trpcError(pretty, "BAD_REQUEST", 400)).lines).toEqual([
      "✖ position warning above its limit",
      "→ at positionWarnShare",
    ]);
    expect(describeError(new TypeError("Failed to fetch"))).toEqual({
      code: null,
      status: null,
      title: "The API did not answer",
      lines: ["Failed to fetch"],
    });
    expect(describeError("boom").lines).toEqual(["boom"]);
    expect(describeError(trpcError("[not json", "BAD_REQUEST", 400)).lines).toEqual(["[not json"]);
  });
});
