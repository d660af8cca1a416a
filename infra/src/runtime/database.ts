import type { Logger, Repositories } from "@tradeops/core";
import {
  createPrismaClient,
  createRepositories,
  ensurePartitions,
  migrate,
  migrationStatus,
  pingDatabase,
} from "@tradeops/db";

export interface Database {
  /** The domain's way into the database; nothing outside `packages/db` sees Prisma. */
  readonly repositories: Repositories;
  ping(): Promise<void>;
  migrations(): ReturnType<typeof migrationStatus>;
  ensurePartitions(options: { daysAhead: number }): ReturnType<typeof ensurePartitions>;
  close(): Promise<void>;
}

/**
 * Connects to PostgreSQL (a server, or PGlite behind its socket in embedded mode), applying
 * pending migrations first when asked: the runner holds an advisory lock, so replicas starting
 * together apply each migration once.
 */
export async function openDatabase(options: {
  url: string;
  poolMax: number;
  migrate: boolean;
  logger: Logger;
}): Promise<Database> {
  if (options.migrate) {
    const result = await migrate({ connectionString: options.url, logger: options.logger });
    options.logger.info({ applied: result.applied }, "database migrations up to date");
  }
  const prisma = createPrismaClient({ connectionString: options.url, poolMax: options.poolMax });
  return {
    repositories: createRepositories(prisma),
    ping: () => pingDatabase(prisma),
    migrations: () => migrationStatus({ connectionString: options.url }),
    ensurePartitions: (args) => ensurePartitions({ connectionString: options.url }, args),
    close: () => prisma.$disconnect(),
  };
}
