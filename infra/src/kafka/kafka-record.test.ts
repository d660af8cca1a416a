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
  it("carries the event's time in a header, leaving the record's timestamp to the producer, and copies the headers", () => {
    const headers = Object.freeze({ h: "v" });
    const message = toKafkaMessage({ key: "k", value: "{}", headers, timestamp: 42 });
    // Market time may run hours ahead of the wall clock: a broker refuses such record timestamps.
    expect(message).toEqual({ key: "k", value: "{}", headers: { h: "v", "tradeops-event-time": "42" } });
    expect(message.headers).not.toBe(headers);
  });

  it("round-trips through a fetched record: the event's time comes back, the header does not", () => {
    const sent = toKafkaMessage({ key: "k", value: "{}", headers: { h: "v" }, timestamp: 4_102_444_800_000 });
    const fetched: KafkaMessage = {
      key: Buffer.from("k"),
      value: Buffer.from("{}"),
      // The produce time, an hour and more before the event's (simulated) time.
      timestamp: "1764000000000",
      attributes: 0,
      offset: "7",
      headers: sent.headers ?? {},
    };
    expect(toEventRecord("t.v1", 1, fetched)).toEqual({
      topic: "t.v1",
      partition: 1,
      offset: "7",
      key: "k",
      value: "{}",
      headers: { h: "v" },
      timestamp: 4_102_444_800_000,
    });
  });
});
