import { z } from "zod";

/**
 * Environment variables every server process shares (API and workers). Each app's own schema
 * extends this shape; the defaults select the embedded mode: no REDIS_URL means the in-memory
 * cache and the local queue, no KAFKA_BROKERS means the in-process bus.
 */
export const runtimeEnvShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgresql:// URL" })
    .default("postgresql://postgres@127.0.0.1:54329/postgres"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_MIGRATE_ON_START: booleanFlag(true),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  /**
   * Separates deployments sharing one Redis: cache keys become `<ns>:feature:...` and queues use
   * `<ns>` as their prefix. Unset: cache keys follow the spec exactly (`feature:{symbol}:...`).
   */
  REDIS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, _ or -")
    .optional(),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "must be a comma-separated list of host:port")
    .transform((value) => value.split(","))
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default("tradeops"),
  MODEL_STORE_DIR: z.string().min(1).default(".data/models"),
  /** Where the buffered publisher spills events while the bus is down; one folder per process. */
  EVENT_SPILL_DIR: z.string().min(1).default(".data/spill"),
  /** ONNX Runtime execution providers in order of preference; unavailable ones are skipped. */
  ONNX_EXECUTION_PROVIDERS: z
    .string()
    .regex(/^[a-z]+(,[a-z]+)*$/, "must be a comma-separated list such as cuda,cpu")
    .default("cuda,cpu")
    .transform((value) => value.split(",")),
  /** Seed of the simulated market and of first-start training. */
  SIM_SEED: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(7),
  SIM_SYMBOLS: z.coerce.number().int().min(1).max(1_000).default(50),
  /** Wall-clock time between simulated bars: 1000 runs one 1-minute bar per second (60x). */
  SIM_BAR_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
  /** Bars replayed at start so features and regimes are warm before the first live bar. */
  SIM_BACKFILL_BARS: z.coerce.number().int().min(0).max(10_000).default(60),
  /** A decision per symbol every N bars (scoring still runs on every bar). */
  DECISION_EVERY_BARS: z.coerce.number().int().min(1).max(10_000).default(10),
  PORTFOLIO_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, _ or -")
    .default("main"),
  PORTFOLIO_STARTING_CASH: z.coerce.number().positive().default(1_000_000),
  /** First-start training size: bars per simulated symbol and symbols (see the training bootstrap). */
  BOOTSTRAP_BARS: z.coerce.number().int().min(500).max(1_000_000).default(20_000),
  BOOTSTRAP_SYMBOLS: z.coerce.number().int().min(1).max(200).default(10),
  /** Where the market role's bars come from (docs/data-sources.md): the simulator, a file, or a live feed. */
  MARKET_SOURCE: z.enum(["simulator", "replay", "websocket"]).default("simulator"),
  /** MARKET_SOURCE=replay: a .csv, .jsonl or .ndjson file of 1min bars, optionally gzipped. */
  REPLAY_FILE: z.string().min(1).optional(),
  /** Replayed market time per wall-clock time (60: an hour of bars per minute), or `max` for no pacing. */
  REPLAY_SPEED: z
    .string()
    .regex(/^(max|\d+(\.\d+)?)$/, 'a positive number or "max"')
    .default("60")
    .transform((value): number | "max" => (value === "max" ? "max" : Number(value)))
    .refine((value) => value === "max" || value > 0, 'a positive number or "max"'),
  /** MARKET_SOURCE=websocket: the tick feed's ws:// or wss:// URL. */
  FEED_URL: z.url({ protocol: /^wss?$/, error: "must be a ws:// or wss:// URL" }).optional(),
  /** Symbols to subscribe to, comma-separated; unset sends no subscription (the feed streams what it streams). */
  FEED_SYMBOLS: z
    .string()
    .regex(/^[A-Z][A-Z0-9.-]{0,15}(,[A-Z][A-Z0-9.-]{0,15})*$/, "a comma-separated list of tickers")
    .transform((value) => value.split(","))
    .optional(),
  /** Reconnection backoff of the feed: first delay and cap (jittered exponential in between). */
  FEED_RECONNECT_INITIAL_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  FEED_RECONNECT_MAX_MS: z.coerce.number().int().min(1).max(600_000).default(30_000),
  /** A feed connection silent (no message, no pong) for this long is dropped and reopened. */
  FEED_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** How long after a minute ends its bars wait for late trades before they close. */
  FEED_LATENESS_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** JSON mapping replayed or fed symbols to their sector (and name); unmapped ones get sector `unknown`. */
  MARKET_INSTRUMENTS_FILE: z.string().min(1).optional(),
} as const;

/** "true"/"false"/"1"/"0" (case-insensitive); anything else is a configuration error. */
export function booleanFlag(defaultValue: boolean) {
  return z
    .enum(["true", "false", "1", "0", "TRUE", "FALSE", "True", "False"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1" || value.toLowerCase() === "true")
    .prefault(defaultValue ? "true" : "false");
}

export type RuntimeEnv = z.output<z.ZodObject<typeof runtimeEnvShape>>;
