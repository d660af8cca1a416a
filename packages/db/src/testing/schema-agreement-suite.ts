import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../migrate";
import { databaseSchemaShape, diffSchemaShapes, prismaSchemaShape, type SchemaShape } from "./schema-agreement";
import { withClient } from "./sql";
import type { TestDatabase, TestDatabaseFactory } from "./test-database";

const schemaPath = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));

/** Replaces exactly one occurrence, so a test cannot silently edit nothing. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one "${from}" in schema.prisma`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** schema.prisma against the database the migrations produce. */
export function schemaAgreementSuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  let factory: TestDatabaseFactory;
  let database: TestDatabase;
  let migrated: SchemaShape;
  let schemaText: string;

  beforeAll(async () => {
    factory = await createFactory();
    database = await factory.fresh();
    await migrate({ connectionString: database.connectionString });
    migrated = await withClient(database.connectionString, (client) =>
      databaseSchemaShape(client, { excludeTables: ["schema_migrations"] }),
    );
    schemaText = await readFile(schemaPath, "utf8");
  });
  afterAll(async () => {
    await database?.stop();
    await factory?.close();
  });

  it("schema.prisma describes exactly the migrated tables, columns, keys and indexes", () => {
    const problems = diffSchemaShapes(prismaSchemaShape(schemaText), migrated);
    expect(problems, `schema.prisma and the migrations disagree:\n${problems.join("\n")}`).toEqual([]);
  });

  it("covers every table but the runner's own and the partitions", () => {
    expect(Object.keys(migrated).sort()).toEqual([
      "api_keys",
      "audit_events",
      "decision_explanations",
      "decisions",
      "experiment_metrics",
      "experiments",
      "jobs",
      "market_bars",
      "model_aliases",
      "model_checkpoints",
      "model_versions",
      "portfolio_fills",
      "portfolio_leases",
      "portfolio_snapshots",
      "portfolios",
      "regime_history",
      "registered_models",
      "rejected_ticks",
      "risk_limit_sets",
      "symbols",
      "trading_states",
      "traffic_splits",
      "users",
    ]);
  });

  describe("reports each kind of drift", () => {
    const cases: { drift: string; change: (text: string) => string; expected: string[] }[] = [
      {
        drift: "a column type",
        change: (text) => edit(text, "@db.VarChar(255)", "@db.VarChar(200)"),
        expected: [
          "table experiments, column experiment_name: type is character varying(200) in schema.prisma but character varying(255) in the database",
        ],
      },
      {
        drift: "nullability",
        change: (text) => edit(text, "  sector    String\n", "  sector    String?\n"),
        expected: ["table symbols, column sector: nullable in schema.prisma but NOT NULL in the database"],
      },
      {
        drift: "a column only in the database",
        change: (text) => edit(text, "  reason     String?\n\n  @@index([entityType", "\n  @@index([entityType"),
        expected: ["table audit_events, column reason: in the database, missing from schema.prisma"],
      },
      {
        drift: "a default",
        change: (text) => edit(text, "attempts   Int       @default(0)", "attempts   Int"),
        expected: ["table jobs, column attempts: has no default in schema.prisma but has a default in the database"],
      },
      {
        drift: "an index only in schema.prisma",
        change: (text) => edit(text, '  @@map("symbols")', '  @@index([name])\n  @@map("symbols")'),
        expected: ["table symbols: index (name) in schema.prisma, missing from the database"],
      },
      {
        drift: "an index's sort order",
        change: (text) =>
          edit(
            text,
            '@@index([symbol, time(sort: Desc)], map: "decisions_symbol_time_idx")',
            '@@index([symbol, time], map: "decisions_symbol_time_idx")',
          ),
        expected: ["table decisions: index (symbol, time) in schema.prisma, missing from the database"],
      },
      {
        drift: "a primary key",
        change: (text) => edit(text, "  @@id([symbol, time])", "  @@id([time, symbol])"),
        expected: [
          "table regime_history: primary key is (time, symbol) in schema.prisma but (symbol, time) in the database",
        ],
      },
      {
        drift: "a unique constraint",
        change: (text) =>
          edit(text, '  prefix     String    @unique(map: "api_keys_prefix_key")', "  prefix     String"),
        expected: ["table api_keys: unique (prefix) in the database, missing from schema.prisma"],
      },
      {
        drift: "a referential action",
        change: (text) =>
          edit(
            text,
            "user User @relation(fields: [userId], references: [id], onDelete: Cascade, onUpdate: Cascade)",
            "user User @relation(fields: [userId], references: [id], onDelete: Restrict, onUpdate: Cascade)",
          ),
        expected: [
          "table api_keys: foreign key (user_id) -> users (id) is ON DELETE Restrict ON UPDATE Cascade in schema.prisma but ON DELETE Cascade ON UPDATE Cascade in the database",
        ],
      },
      {
        drift: "a table only in the database",
        change: (text) => text.slice(0, text.indexOf("/// The durable record of a background job")),
        expected: ["table jobs: in the database, missing from schema.prisma"],
      },
    ];

    for (const { drift, change, expected } of cases) {
      it(drift, () => {
        expect(diffSchemaShapes(prismaSchemaShape(change(schemaText)), migrated)).toEqual(expected);
      });
    }
  });
}
