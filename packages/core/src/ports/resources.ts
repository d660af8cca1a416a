import type { Clock } from "./clock";
import type { EventBus } from "./event-bus";
import type { FeatureCache } from "./feature-cache";
import type { JobQueue } from "./job-queue";
import type { Logger } from "./logger";
import type { ModelStore } from "./model-store";

/**
 * Everything a domain engine may touch, handed to it explicitly. The apps build one from their
 * configuration: embedded twins by default, Kafka/Redis/BullMQ in services mode.
 */
export interface Resources {
  readonly bus: EventBus;
  readonly cache: FeatureCache;
  readonly queue: JobQueue;
  readonly models: ModelStore;
  readonly clock: Clock;
  readonly logger: Logger;
}
