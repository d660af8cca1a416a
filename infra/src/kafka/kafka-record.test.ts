import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { toEventRecord, toKafkaMessage } from "./kafka-record";

describe("toEventRecord", () => {
  it("decodes key, value and headers as UTF-8, keeping the last of a repeated header", () => {
    const message: KafkaMessage = {
      key: Buffer.from("€-key"),
      value: Buffer.from('{"a":"é"}'),
      timestamp: "1700000000123",
      attributes: 0,
      offset: "9007199254740993",
      headers: { one: Buffer.from("1"), many: [Buffer.from("first"), "last"], text: "plain", missing: undefined },
    };
    expect(toEventRecord("t.v1", 4, message)).toEqual({
      topic: "t.v1",
      partition: 4,
      offset: "9007199254740993",
      key: "€-key",
      value: '{"a":"é"}',
      headers: { one: "1", many: "last", text: "plain" },
      timestamp: 1_700_000_000_123,
    });
  });

  it("keeps a missing value as null and a missing key as empty", () => {
    const message: KafkaMessage = { key: null, value: null, timestamp: "1", attributes: 0, offset: "0", size: 0 };
    expect(toEventRecord("t.v1", 0, message)).toMatchObject({ key: "", value: null, headers: {} });
  });
});

describe("toKafkaMessage", () => {
  it("sends the timestamp as the decimal string kafkajs expects and copies the headers", () => {
    const headers = Object.freeze({ h: "v" });
    const message = toKafkaMessage({ key: "k", value: "{}", headers, timestamp: 42 });
    expect(message).toEqual({ key: "k", value: "{}", headers: { h: "v" }, timestamp: "42" });
    expect(message.headers).not.toBe(headers);
  });
});
