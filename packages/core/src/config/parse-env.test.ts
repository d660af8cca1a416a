import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, parseEnv } from "./parse-env";

const schema = z.object({ PORT: z.coerce.number().int().min(1).max(65_535).default(80), MODE: z.enum(["a", "b"]) });

describe("parseEnv", () => {
  it("returns the parsed values with defaults", () => {
    expect(parseEnv("svc", schema, { MODE: "a" })).toEqual({ PORT: 80, MODE: "a" });
  });

  it("names each bad variable, the reason and the value received", () => {
    const error = captureError(() => parseEnv("svc", schema, { PORT: "99999" }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^PORT: .*\(got "99999"\)$/),
      expect.stringMatching(/^MODE: /),
    ]);
    expect((error as ConfigError).message).toMatch(/^svc: invalid configuration:\n {2}- PORT/);
  });
});

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
