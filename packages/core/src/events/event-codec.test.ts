import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidEventError } from "../ports/event-bus";
import { defineTopic } from "./define-topic";
import { decodePayload, deepFreeze, encodeEvents } from "./event-codec";

const topic = defineTopic({
  name: "codec.test.v1",
  description: "codec",
  schema: z.object({ id: z.string(), qty: z.number().default(1) }),
});

const now = () => 42;

describe("encodeEvents", () => {
  it("writes the schema's output as JSON, copies headers and stamps missing timestamps", () => {
    const headers = { a: "1" };
    const [event] = encodeEvents(
      topic,
      [{ key: "k", payload: { id: "x", extra: true } as { id: string }, headers, timestamp: 7 }],
      now,
    );
    expect(event).toEqual({ key: "k", value: '{"id":"x","qty":1}', headers: { a: "1" }, timestamp: 7 });
    expect(event?.headers).not.toBe(headers);
    expect(Object.isFrozen(event?.headers)).toBe(true);
    expect(encodeEvents(topic, [{ key: "k", payload: { id: "y" } }], now)[0]).toMatchObject({
      headers: {},
      timestamp: 42,
    });
  });

  it("rejects the whole batch at the first invalid event, with paths relative to the event", () => {
    const attempt = () =>
      encodeEvents(
        topic,
        [
          { key: "k", payload: { id: "ok" } },
          { key: "k", payload: { id: 3 } as unknown as { id: string } },
        ],
        now,
      );
    expect(attempt).toThrow(InvalidEventError);
    expect(attempt).toThrow(/at index 1: payload\.id:/);
  });

  it.each([
    ["a key that is not a string", { key: 1, payload: { id: "x" } }, ["key"]],
    ["a header that is not a string", { key: "k", payload: { id: "x" }, headers: { h: 1 } }, ["headers", "h"]],
    ["a fractional timestamp", { key: "k", payload: { id: "x" }, timestamp: 1.5 }, ["timestamp"]],
    ["a negative timestamp", { key: "k", payload: { id: "x" }, timestamp: -1 }, ["timestamp"]],
  ])("rejects %s", (_, event, path) => {
    try {
      encodeEvents(topic, [event as never], now);
      expect.unreachable("encodeEvents accepted an invalid envelope");
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).issues[0]?.path).toEqual(path);
    }
  });

  it("rejects a payload JSON cannot represent", () => {
    const loose = defineTopic({ name: "codec.loose.v1", description: "", schema: z.unknown() });
    expect(() => encodeEvents(loose, [{ key: "k", payload: 10n }], now)).toThrow(/no JSON representation/);
    expect(() => encodeEvents(loose, [{ key: "k", payload: undefined }], now)).toThrow(/no JSON representation/);
  });
});

describe("decodePayload", () => {
  it("parses, validates and deep-freezes", () => {
    const result = decodePayload(topic, '{"id":"x","qty":2}');
    expect(result).toEqual({ ok: true, payload: { id: "x", qty: 2 } });
    expect(result.ok && Object.isFrozen(result.payload)).toBe(true);
  });

  it.each([
    [null, /no value/],
    ["{not json", /not JSON/],
    ['{"qty":2}', /does not match the schema of codec\.test\.v1: id:/],
  ])("reports %j as undecodable", (value, error) => {
    const result = decodePayload(topic, value);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error).toMatch(error);
  });
});

describe("deepFreeze", () => {
  it("freezes nested objects and arrays, and survives cycles", () => {
    const value: { list: { n: number }[]; self?: unknown } = { list: [{ n: 1 }] };
    value.self = value;
    deepFreeze(value);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[0])).toBe(true);
    expect(() => value.list.push({ n: 2 })).toThrow(TypeError);
  });

  it("leaves primitives and typed arrays alone", () => {
    expect(deepFreeze(3)).toBe(3);
    const bytes = Uint8Array.of(1);
    expect(deepFreeze({ bytes }).bytes).toBe(bytes);
  });
});
