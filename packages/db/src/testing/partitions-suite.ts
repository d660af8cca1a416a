import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { createPrismaClient } from "../client";
import { migrate } from "../migrate";
import { ensurePartitions } from "../partitions";
import { utcDay, withClient } from "./sql";
import type { TestDatabase, TestDatabaseFactory } from "./test-database";

const timeSeriesTables = [
  "decision_explanations",
  "decisions",
  "experiment_metrics",
  "market_bars",
  "regime_history",
  "rejected_ticks",
];

const decisionId = "550e8400-e29b-41d4-a716-446655440000";

async function partitionOf(client: pg.ClientBase, sql: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await client.query<{ partition: string }>(sql, params);
  return rows.map((row) => row.partition);
}

async function insertBar(client: pg.ClientBase, time: string, close = 100): Promise<void> {
  await client.query(
    `INSERT INTO market_bars (symbol, timeframe, time, open, high, low, close, volume)
     VALUES ('AAPL', '1min', $1, 100, 101, 99, $2, 1000)`,
    [time, close],
  );
}

/** Daily partitions, their maintenance, and rows that had to wait in DEFAULT. */
export function partitionsSuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  let factory: TestDatabaseFactory;
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    factory = await createFactory();
  });
  afterAll(async () => {
    await factory?.close();
  });
  beforeEach(async () => {
    database = await factory.fresh();
    await migrate({ connectionString: database.connectionString });
    client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    await client.query("INSERT INTO symbols (symbol, name, sector) VALUES ('AAPL', 'Apple', 'Technology')");
  });
  afterEach(async () => {
    await client?.end();
    await database?.stop();
  });

  it("migrations create each time-series table with a DEFAULT partition and the coming week", async () => {
    const { rows } = await client.query<{ parent: string; partition: string }>(
      `SELECT parent.relname AS parent, child.relname AS partition
         FROM pg_inherits i JOIN pg_class parent ON parent.oid = i.inhparent JOIN pg_class child ON child.oid = i.inhrelid
        WHERE parent.relnamespace = current_schema()::regnamespace AND child.relkind IN ('r', 'p')
        ORDER BY 1, 2`,
    );
    const expectedDays: string[] = [];
    for (let offset = 0; offset <= 7; offset += 1) expectedDays.push(await utcDay(client, offset));
    const expected = timeSeriesTables.flatMap((table) => [
      { parent: table, partition: `${table}_default` },
      ...expectedDays.map((day) => ({ parent: table, partition: `${table}_p${day}` })),
    ]);
    const byName = (a: { partition: string }, b: { partition: string }) => a.partition.localeCompare(b.partition);
    expect([...rows].sort(byName)).toEqual(expected.sort(byName));
  });

  it("routes rows to the partition of their UTC day, boundaries included", async () => {
    const today = await utcDay(client, 0);
    const tomorrow = await utcDay(client, 1);
    const iso = (day: string, time: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T${time}Z`;
    await insertBar(client, iso(today, "00:00:00"));
    await insertBar(client, iso(today, "23:59:59.999"));
    await insertBar(client, iso(tomorrow, "00:00:00"));
    await insertBar(client, "2001-02-03T04:05:06Z");
    expect(
      await partitionOf(client, "SELECT tableoid::regclass::text AS partition FROM market_bars ORDER BY time"),
    ).toEqual(["market_bars_default", `market_bars_p${today}`, `market_bars_p${today}`, `market_bars_p${tomorrow}`]);
  });

  it("maintenance creates the missing days once, and nothing on a second run", async () => {
    const report = await ensurePartitions(client, { daysAhead: 9 });
    const day8 = await utcDay(client, 8);
    const day9 = await utcDay(client, 9);
    expect(report.tables).toEqual(timeSeriesTables);
    expect(report.created).toEqual(
      timeSeriesTables.flatMap((table) => [
        { table, partition: `${table}_p${day8}`, movedRows: 0 },
        { table, partition: `${table}_p${day9}`, movedRows: 0 },
      ]),
    );
    expect((await ensurePartitions(client, { daysAhead: 9 })).created).toEqual([]);
    expect((await ensurePartitions(client, { daysAhead: 3 })).created).toEqual([]);
  });

  it("maintenance through Prisma, or from a connection string, does the same", async () => {
    const prisma = createPrismaClient({ connectionString: database.connectionString, poolMax: 2 });
    try {
      const { created } = await ensurePartitions(prisma, { daysAhead: 8 });
      const day8 = await utcDay(client, 8);
      expect(created).toEqual(
        timeSeriesTables.map((table) => ({ table, partition: `${table}_p${day8}`, movedRows: 0 })),
      );
      expect((await ensurePartitions(prisma, { daysAhead: 8 })).created).toEqual([]);
    } finally {
      await prisma.$disconnect();
    }
    const day9 = await utcDay(client, 9);
    const fromUrl = await ensurePartitions({ connectionString: database.connectionString }, { daysAhead: 9 });
    expect(fromUrl.created.map((entry) => entry.partition)).toEqual(
      timeSeriesTables.map((table) => `${table}_p${day9}`),
    );
  });

  it("moves rows waiting in DEFAULT into the partitions created for their days, unchanged", async () => {
    await insertBar(client, "2020-01-01T09:30:00Z", 100.5);
    await insertBar(client, "2020-01-01T23:59:59.999Z", 100.25);
    await insertBar(client, "2020-01-02T00:00:00Z", 99.5);
    const before = await client.query("SELECT * FROM market_bars ORDER BY time");
    expect(await partitionOf(client, "SELECT DISTINCT tableoid::regclass::text AS partition FROM market_bars")).toEqual(
      ["market_bars_default"],
    );

    const { created } = await ensurePartitions(client, { daysAhead: 7 });
    expect(created.filter((entry) => entry.table === "market_bars")).toEqual([
      { table: "market_bars", partition: "market_bars_p20200101", movedRows: 2 },
      { table: "market_bars", partition: "market_bars_p20200102", movedRows: 1 },
    ]);
    expect(
      await partitionOf(client, "SELECT tableoid::regclass::text AS partition FROM market_bars ORDER BY time"),
    ).toEqual(["market_bars_p20200101", "market_bars_p20200101", "market_bars_p20200102"]);
    expect((await client.query("SELECT * FROM market_bars ORDER BY time")).rows).toEqual(before.rows);
    expect((await client.query("SELECT count(*)::int AS n FROM market_bars_default")).rows).toEqual([{ n: 0 }]);
  });

  it("keeps a decision's explanation when the decision moves out of DEFAULT (no cascade fires)", async () => {
    await client.query(
      `INSERT INTO decisions (id, time, symbol, action, quantity, confidence, prob_bull, prob_bear, prob_sideways,
                              strategy_weights, features, risk_checks, model_version)
       VALUES ($1, '2020-03-04T14:30:00Z', 'AAPL', 'BUY', 100, 0.85, 0.65, 0.15, 0.2,
               '{"bull_specialist": 1}', '{"rsi_14": 45.3}', '{"concentration": "pass"}', 'bull_specialist_v127')`,
      [decisionId],
    );
    await client.query(
      `INSERT INTO decision_explanations (decision_id, decision_time, shap_values, base_value, model_output,
                                          regime_reasoning, strategy_selection)
       VALUES ($1, '2020-03-04T14:30:00Z', '{"rsi_14": 0.15}', 0.1, 0.85, 'bull', 'weighted')`,
      [decisionId],
    );

    const { created } = await ensurePartitions(client, { daysAhead: 0 });
    expect(created.filter((entry) => entry.movedRows > 0)).toEqual([
      { table: "decision_explanations", partition: "decision_explanations_p20200304", movedRows: 1 },
      { table: "decisions", partition: "decisions_p20200304", movedRows: 1 },
    ]);
    const { rows } = await client.query(
      `SELECT d.tableoid::regclass::text AS decision_partition, e.tableoid::regclass::text AS explanation_partition,
              e.shap_values
         FROM decisions d JOIN decision_explanations e ON e.decision_id = d.id AND e.decision_time = d.time`,
    );
    expect(rows).toEqual([
      {
        decision_partition: "decisions_p20200304",
        explanation_partition: "decision_explanations_p20200304",
        shap_values: { rsi_14: 0.15 },
      },
    ]);
  });

  it("names and bounds partitions by UTC day whatever the session time zone", async () => {
    await client.query("BEGIN");
    // Kiritimati is UTC+14: 10:00Z on the 3rd is already the 4th there.
    await client.query("SET LOCAL TIME ZONE 'Pacific/Kiritimati'");
    await insertBar(client, "2020-01-03T10:00:00Z");
    const { rows } = await client.query<{ partition_name: string }>(
      "SELECT partition_name FROM tradeops_ensure_partitions('market_bars', 0)",
    );
    await client.query("COMMIT");
    expect(rows.map((row) => row.partition_name)).toContain("market_bars_p20200103");
    const bound = await client.query<{ bound: string }>(
      "SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'market_bars_p20200103'",
    );
    await client.query("SET TIME ZONE 'UTC'");
    const utcBound = await client.query<{ lower: string; upper: string }>(
      `SELECT to_char(lower_bound AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS lower,
              to_char(upper_bound AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS upper
         FROM (SELECT (regexp_match($1, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS lower_bound,
                      (regexp_match($1, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper_bound) AS bounds`,
      [bound.rows[0]?.bound],
    );
    expect(utcBound.rows).toEqual([{ lower: "2020-01-03 00:00", upper: "2020-01-04 00:00" }]);
  });

  it("two maintenance runs at once create each partition exactly once", async () => {
    const other = new pg.Client({ connectionString: database.connectionString });
    await other.connect();
    try {
      await insertBar(client, "2019-06-01T12:00:00Z");
      const [first, second] = await Promise.all([
        ensurePartitions(client, { daysAhead: 12 }),
        ensurePartitions(other, { daysAhead: 12 }),
      ]);
      const all = [...(first?.created ?? []), ...(second?.created ?? [])].map((entry) => entry.partition).sort();
      expect(new Set(all).size).toBe(all.length);
      // Days 8 to 12 for every table (the migration made 0 to 7), plus the day waiting in DEFAULT.
      expect(all).toHaveLength(timeSeriesTables.length * 5 + 1);
      expect(all).toContain("market_bars_p20190601");
    } finally {
      await other.end();
    }
  });

  it("rejects a negative horizon", async () => {
    await expect(ensurePartitions(client, { daysAhead: -1 })).rejects.toThrow(
      "ensurePartitions: daysAhead must be a non-negative integer, got -1",
    );
    await expect(
      withClient(database.connectionString, (other) =>
        other.query("SELECT tradeops_ensure_partitions('decisions', -1)"),
      ),
    ).rejects.toThrow("days_ahead must be a non-negative integer, got -1");
  });
}
