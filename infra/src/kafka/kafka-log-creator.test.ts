import type { Logger } from "@tradeops/core";
import { logLevel } from "kafkajs";
import { describe, expect, it } from "vitest";
import { kafkaLogCreator } from "./kafka-log-creator";

describe("kafkaLogCreator", () => {
  it("writes each kafkajs level to the matching logger method, with its fields and namespace", () => {
    const calls: [string, Record<string, unknown>, string | undefined][] = [];
    const method = (level: string) => (fields: Record<string, unknown> | string, message?: string) => {
      calls.push([level, typeof fields === "string" ? {} : fields, message]);
    };
    const logger: Logger = {
      debug: method("debug"),
      info: method("info"),
      warn: method("warn"),
      error: method("error"),
      child: () => logger,
    };
    const log = kafkaLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel, extra: Record<string, unknown> = {}) =>
      log({ namespace: "Consumer", level, label: "x", log: { timestamp: "t", message: `m${level}`, ...extra } });
    entry(logLevel.ERROR, { error: new TypeError("bad"), groupId: "g" });
    entry(logLevel.WARN);
    entry(logLevel.INFO);
    entry(logLevel.DEBUG);
    expect(calls).toEqual([
      ["error", { namespace: "Consumer", error: "TypeError: bad", groupId: "g" }, "m1"],
      ["warn", { namespace: "Consumer" }, "m2"],
      ["info", { namespace: "Consumer" }, "m4"],
      ["debug", { namespace: "Consumer" }, "m5"],
    ]);
  });
});
