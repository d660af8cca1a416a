import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export interface PrismaClientOptions {
  connectionString: string;
  /** Size of the pg pool behind the client. Default 10. */
  poolMax?: number;
}

/** Prisma Client over the pg driver adapter: the one way the platform's code reaches the database. */
export function createPrismaClient(options: PrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: options.connectionString, max: options.poolMax ?? 10 });
  return new PrismaClient({ adapter });
}

/** One round trip to the database, for readiness probes; rejects when it cannot answer. */
export async function pingDatabase(prisma: PrismaClient): Promise<void> {
  await prisma.$queryRaw`SELECT 1`;
}
