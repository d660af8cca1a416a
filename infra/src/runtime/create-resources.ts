import { resolve } from "node:path";
import {
  InProcessEventBus,
  LocalJobQueue,
  type Logger,
  MemoryFeatureCache,
  type Resources,
  systemClock,
} from "@tradeops/core";
import { KafkaEventBus } from "../kafka/kafka-event-bus";
import { BullMqJobQueue } from "../queue/bullmq-job-queue";
import { RedisFeatureCache } from "../redis/redis-feature-cache";
import { FsModelStore } from "../storage/fs-model-store";
import type { RuntimeEnv } from "./runtime-env";

export type RuntimeMode = "embedded" | "services";

export interface ProcessResources extends Resources {
  /** Which adapter backs each port, for `/readyz` and the console. */
  readonly adapters: { readonly bus: string; readonly cache: string; readonly queue: string; readonly models: string };
  /** Releases connections, timers and workers, in the reverse order of acquisition. */
  close(): Promise<void>;
}

/**
 * Builds a process's resources bag from its environment: Kafka when KAFKA_BROKERS is set and the
 * in-process bus otherwise; Redis (cache) and BullMQ (queue) when REDIS_URL is set, the in-memory
 * cache and local queue otherwise. Model artefacts live in a folder in both modes.
 */
export function createResources(env: RuntimeEnv, logger: Logger): ProcessResources {
  const clock = systemClock;
  const bus = env.KAFKA_BROKERS
    ? new KafkaEventBus({
        brokers: env.KAFKA_BROKERS,
        clientId: env.KAFKA_CLIENT_ID,
        logger: logger.child({ port: "bus" }),
        clock,
      })
    : new InProcessEventBus({ clock, logger: logger.child({ port: "bus" }) });
  const cache = env.REDIS_URL
    ? new RedisFeatureCache({
        url: env.REDIS_URL,
        keyPrefix: env.REDIS_NAMESPACE ? `${env.REDIS_NAMESPACE}:` : "",
        logger: logger.child({ port: "cache" }),
      })
    : new MemoryFeatureCache({ clock });
  const queue = env.REDIS_URL
    ? new BullMqJobQueue({
        url: env.REDIS_URL,
        prefix: env.REDIS_NAMESPACE ?? "tradeops",
        logger: logger.child({ port: "queue" }),
      })
    : new LocalJobQueue({ clock, logger: logger.child({ port: "queue" }) });
  const models = new FsModelStore({ root: resolve(env.MODEL_STORE_DIR) });

  return {
    bus,
    cache,
    queue,
    models,
    clock,
    logger,
    adapters: {
      bus: env.KAFKA_BROKERS ? `kafka(${env.KAFKA_BROKERS.join(",")})` : "in-process",
      cache: env.REDIS_URL ? "redis" : "memory",
      queue: env.REDIS_URL ? "bullmq" : "local",
      models: `fs(${resolve(env.MODEL_STORE_DIR)})`,
    },
    async close() {
      const results = await Promise.allSettled([queue.close(), bus.close(), cache.close()]);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      for (const failure of failures) logger.error({ err: failure.reason }, "closing a resource failed");
    },
  };
}

export function runtimeMode(env: RuntimeEnv): RuntimeMode {
  return env.KAFKA_BROKERS || env.REDIS_URL ? "services" : "embedded";
}
