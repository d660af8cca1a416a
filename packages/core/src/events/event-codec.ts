import { z } from "zod";
import { InvalidEventError, type OutgoingEvent, type TopicDefinition, type TopicPayload } from "../ports/event-bus";

/**
 * How events travel on every EventBus adapter: a string key, the payload as JSON text, string
 * headers and an epoch-ms timestamp, which is exactly what a Kafka record carries. Both the
 * embedded bus and the Kafka adapter encode and decode through here, so a payload that survives
 * one survives the other.
 */
export interface EncodedEvent {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

/** A stored message as a consumer fetches it, before its payload is parsed. */
export interface EventRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  /** `null` only for a Kafka record written without a value by some other producer. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: number;
}

const envelopeSchema = z.object({
  key: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
  timestamp: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * Validates every event, then serialises them; the first invalid one throws `InvalidEventError`
 * (issue paths are relative to the event: `payload.symbol`, `key`) and nothing is returned, so a
 * caller appends all or none. The payload written is the schema's *output* (defaults filled,
 * unknown keys stripped), so topic schemas must accept their own output, as plain ones do.
 */
export function encodeEvents<T extends TopicDefinition>(
  topic: T,
  events: readonly OutgoingEvent<unknown>[],
  now: () => number,
): EncodedEvent[] {
  const encoded: EncodedEvent[] = [];
  events.forEach((event, index) => {
    const envelope = envelopeSchema.safeParse(event);
    // Read defensively: JavaScript callers and casts can pass anything here.
    const payload = topic.schema.safeParse((event as Partial<OutgoingEvent<unknown>> | null | undefined)?.payload);
    const issues: z.core.$ZodIssue[] = [
      ...(envelope.success ? [] : envelope.error.issues),
      ...(payload.success ? [] : payload.error.issues.map((issue) => ({ ...issue, path: ["payload", ...issue.path] }))),
    ];
    if (!envelope.success || !payload.success) throw new InvalidEventError(topic.name, index, issues);
    const value = toJson(payload.data);
    if (value === undefined) {
      throw new InvalidEventError(topic.name, index, [
        { code: "custom", path: ["payload"], message: "payload has no JSON representation", input: payload.data },
      ]);
    }
    encoded.push({
      key: envelope.data.key,
      value,
      headers: Object.freeze({ ...envelope.data.headers }),
      timestamp: envelope.data.timestamp ?? now(),
    });
  });
  return encoded;
}

function toJson(value: unknown): string | undefined {
  try {
    // JSON.stringify returns undefined (typed as string) for undefined, functions and symbols.
    const text: string | undefined = JSON.stringify(value);
    return text;
  } catch {
    return undefined;
  }
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly payload: T }
  | { readonly ok: false; readonly error: string };

/**
 * Parses a stored value with the topic's schema and deep-freezes the result. Each delivery
 * decodes its own copy, so no consumer can change what another consumer (or the producer) sees.
 */
export function decodePayload<T extends TopicDefinition>(
  topic: T,
  value: string | null,
): DecodeResult<TopicPayload<T>> {
  if (value === null) return { ok: false, error: "the record has no value" };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    return { ok: false, error: `the value is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = topic.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    return { ok: false, error: `the payload does not match the schema of ${topic.name}: ${issues}` };
  }
  return { ok: true, payload: deepFreeze(parsed.data as TopicPayload<T>) };
}

/**
 * Freezes a value and everything reachable through its own properties. JSON-shaped data is
 * frozen completely; a Map, Set or Date produced by a schema transform keeps its internal slots
 * mutable (freezing cannot reach them), so topic schemas stay JSON-shaped.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value) || ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}
