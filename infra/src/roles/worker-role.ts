import type { Logger } from "@tradeops/core";
import type { ProcessResources } from "../runtime/create-resources";
import type { Database } from "../runtime/database";
import type { ProcessServices } from "../runtime/process-services";
import type { RuntimeEnv } from "../runtime/runtime-env";

export interface RoleContext {
  readonly env: RuntimeEnv;
  readonly resources: ProcessResources;
  readonly database: Database;
  readonly services: ProcessServices;
  readonly logger: Logger;
}

export interface RunningRole {
  /** Stops taking work and waits for what is in progress. */
  stop(): Promise<void>;
}

/**
 * A unit of background work a process can host. Services mode runs roles in `apps/workers`
 * processes (scaled out by Kafka consumer groups and queue workers); embedded mode hosts them in
 * the API process, because the in-process bus does not cross process boundaries.
 */
export interface WorkerRole {
  readonly name: string;
  readonly description: string;
  start(context: RoleContext): Promise<RunningRole>;
}
