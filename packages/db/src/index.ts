export { createPrismaClient, type PrismaClientOptions, pingDatabase } from "./client";
export {
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  serveEmbeddedPostgres,
  startEmbeddedPostgres,
} from "./embedded-postgres";
export * from "./generated/prisma/client";
export type { DbLogger } from "./logger";
export {
  type MigrateOptions,
  type MigrateResult,
  MigrationFailedError,
  MigrationRefusedError,
  migrate,
} from "./migrate";
export { type MigrationStatus, migrationStatus } from "./migration-status";
export {
  type CreatedPartition,
  type EnsurePartitionsOptions,
  ensurePartitions,
  type PartitionDatabase,
  type PartitionMaintenanceReport,
} from "./partitions";
export {
  createRepositories,
  forensicsActor,
  PrismaDecisionRepository,
  PrismaMarketDataRepository,
  PrismaModelRegistryRepository,
  PrismaRegimeHistoryRepository,
  PrismaRejectedTickRepository,
  storedTradingDecisionEvent,
} from "./repositories";
