import pg from "pg";
import type { PrismaClient } from "./generated/prisma/client";

/**
 * Where partition maintenance runs: Prisma (as the workers hold it), a pg client or pool, or a
 * connection string (a client is opened and closed for the call).
 */
export type PartitionDatabase = PrismaClient | pg.ClientBase | pg.Pool | { connectionString: string };

type Connected = Exclude<PartitionDatabase, { connectionString: string }>;

export interface CreatedPartition {
  /** The partitioned table, e.g. `decisions`. */
  table: string;
  /** The new partition, e.g. `decisions_p20251021`. */
  partition: string;
  /** Rows moved into it from the table's DEFAULT partition. */
  movedRows: number;
}

export interface PartitionMaintenanceReport {
  /** The time-partitioned tables that were checked. */
  tables: string[];
  created: CreatedPartition[];
}

export interface EnsurePartitionsOptions {
  /** Create the partitions of today and of this many following days (UTC). Default 7. */
  daysAhead?: number;
}

/**
 * Creates the daily partitions the coming days need, for every time-partitioned table of the
 * current schema, and moves rows that landed in a DEFAULT partition into the partitions created
 * for their days. Idempotent; returns what it created. Each table is handled by one statement,
 * hence one transaction. Under TimescaleDB there are no such tables and nothing is created.
 */
export async function ensurePartitions(
  db: PartitionDatabase,
  options: EnsurePartitionsOptions = {},
): Promise<PartitionMaintenanceReport> {
  const daysAhead = options.daysAhead ?? 7;
  if (!Number.isInteger(daysAhead) || daysAhead < 0) {
    throw new Error(`ensurePartitions: daysAhead must be a non-negative integer, got ${daysAhead}`);
  }
  if ("$queryRawUnsafe" in db || "query" in db) return maintain(db, daysAhead);
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  try {
    return await maintain(client, daysAhead);
  } finally {
    await client.end();
  }
}

async function maintain(db: Connected, daysAhead: number): Promise<PartitionMaintenanceReport> {
  const tables = await query<{ table: string; regclass: string }>(
    db,
    `SELECT c.relname AS "table", c.oid::regclass::text AS "regclass"
       FROM pg_partitioned_table pt
       JOIN pg_class c ON c.oid = pt.partrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND NOT c.relispartition AND pt.partstrat = 'r'
      ORDER BY c.relname`,
    [],
  );
  const created: CreatedPartition[] = [];
  for (const { table, regclass } of tables) {
    const rows = await query<{ partition_name: string; moved_rows: number | bigint | string }>(
      db,
      "SELECT partition_name, moved_rows FROM tradeops_ensure_partitions($1::text::regclass, $2::integer)",
      [regclass, daysAhead],
    );
    for (const row of rows) {
      created.push({ table, partition: row.partition_name, movedRows: Number(row.moved_rows) });
    }
  }
  return { tables: tables.map(({ table }) => table), created };
}

async function query<Row extends pg.QueryResultRow>(db: Connected, sql: string, params: unknown[]): Promise<Row[]> {
  if ("$queryRawUnsafe" in db) return db.$queryRawUnsafe<Row[]>(sql, ...params);
  const result = await db.query<Row>(sql, params);
  return result.rows;
}
