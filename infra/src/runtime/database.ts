import type { Logger } from "@tradeops/core";
import { createPrismaClient, ensurePartitions, migrate, migrationStatus, type PrismaClient } from "@tradeops/db";

export interface Database {
  readonly prisma: PrismaClient;
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
    prisma,
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    migrations: () => migrationStatus({ connectionString: options.url }),
    ensurePartitions: (args) => ensurePartitions({ connectionString: options.url }, args),
    close: () => prisma.$disconnect(),
  };
}
