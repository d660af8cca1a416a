import { get_dmmf } from "@prisma/prisma-schema-wasm";
import type pg from "pg";
import { z } from "zod";

/**
 * Both descriptions of the schema reduced to one comparable shape: the migrated database (read
 * from pg_catalog) and schema.prisma (parsed by Prisma's own parser into its DMMF).
 */

type ReferentialAction = "Cascade" | "Restrict" | "NoAction" | "SetNull" | "SetDefault";

interface ColumnShape {
  /** As PostgreSQL's format_type() prints it, e.g. `character varying(255)`, `text[]`. */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

interface ForeignKeyShape {
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

interface IndexShape {
  name: string | null;
  /** Key columns in order, `name DESC` for descending ones. */
  columns: string[];
}

interface TableShape {
  columns: Record<string, ColumnShape>;
  primaryKey: string[];
  /** Unique constraints and unique indexes other than the primary key. */
  uniques: IndexShape[];
  /** Non-unique indexes. */
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export type SchemaShape = Record<string, TableShape>;

// ---------------------------------------------------------------------------------------------
// schema.prisma -> shape
// ---------------------------------------------------------------------------------------------

const referentialAction = z.enum(["Cascade", "Restrict", "NoAction", "SetNull", "SetDefault"]);

const dmmfField = z.object({
  name: z.string(),
  dbName: z.string().nullish(),
  kind: z.enum(["scalar", "object", "enum", "unsupported"]),
  type: z.string(),
  isList: z.boolean(),
  isRequired: z.boolean(),
  hasDefaultValue: z.boolean(),
  nativeType: z.tuple([z.string(), z.array(z.string())]).nullish(),
  relationFromFields: z.array(z.string()).optional(),
  relationToFields: z.array(z.string()).optional(),
  relationOnDelete: referentialAction.optional(),
  relationOnUpdate: referentialAction.optional(),
});

const dmmfSchema = z.object({
  datamodel: z.object({
    enums: z.array(z.object({ name: z.string(), dbName: z.string().nullish() })),
    models: z.array(z.object({ name: z.string(), dbName: z.string().nullish(), fields: z.array(dmmfField) })),
    indexes: z.array(
      z.object({
        model: z.string(),
        type: z.enum(["id", "unique", "normal", "fulltext"]),
        dbName: z.string().nullish(),
        fields: z.array(z.object({ name: z.string(), sortOrder: z.enum(["asc", "desc"]).nullish() })),
      }),
    ),
  }),
});

type DmmfField = z.infer<typeof dmmfField>;

/** Parses schema.prisma text with Prisma's parser; a schema Prisma rejects throws its error. */
export function prismaSchemaShape(schemaText: string): SchemaShape {
  const { datamodel } = dmmfSchema.parse(JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schemaText }))));
  const enumDbNames = new Map(datamodel.enums.map((entry) => [entry.name, entry.dbName ?? entry.name]));
  const modelsByName = new Map(datamodel.models.map((model) => [model.name, model]));
  const columnName = (modelName: string, fieldName: string): string => {
    const field = modelsByName.get(modelName)?.fields.find((candidate) => candidate.name === fieldName);
    if (!field) throw new Error(`schema.prisma: model ${modelName} has no field ${fieldName}`);
    return field.dbName ?? field.name;
  };

  const shape: SchemaShape = {};
  for (const model of datamodel.models) {
    const table: TableShape = { columns: {}, primaryKey: [], uniques: [], indexes: [], foreignKeys: [] };
    for (const field of model.fields) {
      if (field.kind === "object") {
        const from = field.relationFromFields ?? [];
        if (from.length === 0) continue;
        const target = modelsByName.get(field.type);
        if (!target)
          throw new Error(`schema.prisma: relation ${model.name}.${field.name} names unknown model ${field.type}`);
        const fromRequired = from.every(
          (name) => model.fields.find((candidate) => candidate.name === name)?.isRequired,
        );
        table.foreignKeys.push({
          columns: from.map((name) => columnName(model.name, name)),
          referencedTable: target.dbName ?? target.name,
          referencedColumns: (field.relationToFields ?? []).map((name) => columnName(target.name, name)),
          // Prisma's defaults when the schema does not say.
          onDelete: field.relationOnDelete ?? (fromRequired ? "Restrict" : "SetNull"),
          onUpdate: field.relationOnUpdate ?? "Cascade",
        });
        continue;
      }
      table.columns[field.dbName ?? field.name] = {
        type: prismaColumnType(model.name, field, enumDbNames),
        nullable: !field.isRequired && !field.isList,
        hasDefault: field.hasDefaultValue,
      };
    }
    for (const index of datamodel.indexes.filter((candidate) => candidate.model === model.name)) {
      const columns = index.fields.map(
        (field) => `${columnName(model.name, field.name)}${field.sortOrder === "desc" ? " DESC" : ""}`,
      );
      if (index.type === "id") table.primaryKey = columns;
      else if (index.type === "unique") table.uniques.push({ name: index.dbName ?? null, columns });
      else if (index.type === "normal") table.indexes.push({ name: index.dbName ?? null, columns });
      else throw new Error(`schema.prisma: ${model.name} declares a fulltext index, which PostgreSQL does not have`);
    }
    shape[model.dbName ?? model.name] = table;
  }
  return shape;
}

/** The PostgreSQL type Prisma expects for a field, spelled as format_type() spells it. */
function prismaColumnType(modelName: string, field: DmmfField, enumDbNames: Map<string, string>): string {
  const base = field.kind === "enum" ? (enumDbNames.get(field.type) ?? field.type) : scalarType(modelName, field);
  return field.isList ? `${base}[]` : base;
}

function scalarType(modelName: string, field: DmmfField): string {
  const [native, args] = field.nativeType ?? [null, []];
  const withArgs = (name: string) => (args.length > 0 ? `${name}(${args.join(",")})` : name);
  const where = `${modelName}.${field.name}`;
  switch (native) {
    case null:
      return defaultNativeType(where, field.type);
    case "Text":
      return "text";
    case "VarChar":
      return withArgs("character varying");
    case "Char":
      return withArgs("character");
    case "Uuid":
      return "uuid";
    case "Integer":
      return "integer";
    case "SmallInt":
      return "smallint";
    case "BigInt":
      return "bigint";
    case "DoublePrecision":
      return "double precision";
    case "Real":
      return "real";
    case "Decimal":
      return withArgs("numeric");
    case "Boolean":
      return "boolean";
    case "Timestamptz":
      return args.length > 0 ? `timestamp(${args[0]}) with time zone` : "timestamp with time zone";
    case "Timestamp":
      return args.length > 0 ? `timestamp(${args[0]}) without time zone` : "timestamp without time zone";
    case "Date":
      return "date";
    case "JsonB":
      return "jsonb";
    case "Json":
      return "json";
    case "ByteA":
      return "bytea";
    default:
      throw new Error(`schema.prisma: ${where} uses @db.${native}, which this comparison does not know`);
  }
}

/** What Prisma creates for a scalar without @db.*, on PostgreSQL. */
function defaultNativeType(where: string, prismaType: string): string {
  switch (prismaType) {
    case "String":
      return "text";
    case "Int":
      return "integer";
    case "BigInt":
      return "bigint";
    case "Float":
      return "double precision";
    case "Decimal":
      return "numeric(65,30)";
    case "Boolean":
      return "boolean";
    case "DateTime":
      return "timestamp(3) without time zone";
    case "Json":
      return "jsonb";
    case "Bytes":
      return "bytea";
    default:
      throw new Error(`schema.prisma: ${where} has type ${prismaType}, which this comparison does not know`);
  }
}

// ---------------------------------------------------------------------------------------------
// migrated database -> shape
// ---------------------------------------------------------------------------------------------

export interface DatabaseShapeOptions {
  /** Tables that are not part of the Prisma model, e.g. the migration runner's `schema_migrations`. */
  excludeTables: string[];
}

const actionCodes: Record<string, ReferentialAction> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

/**
 * The tables of the current schema: ordinary and partitioned tables, but not partitions (they
 * belong to their parent) nor the excluded tables. Partial and expression indexes are left out:
 * Prisma cannot declare them, so they exist only in SQL.
 */
export async function databaseSchemaShape(client: pg.ClientBase, options: DatabaseShapeOptions): Promise<SchemaShape> {
  const tableFilter = `c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
    AND NOT c.relispartition AND NOT (c.relname = ANY($1::text[]))`;
  const params = [options.excludeTables];

  const columns = await client.query<{
    table: string;
    column: string;
    type: string;
    not_null: boolean;
    has_default: boolean;
  }>(
    `SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
            a.attnotnull AS not_null, a.atthasdef AS has_default
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE ${tableFilter}
      ORDER BY c.relname, a.attnum`,
    params,
  );
  const indexes = await client.query<{
    table: string;
    name: string;
    is_primary: boolean;
    is_unique: boolean;
    columns: string[];
  }>(
    `SELECT c.relname AS "table", i.relname AS "name", ix.indisprimary AS is_primary, ix.indisunique AS is_unique,
            array(SELECT a.attname || CASE WHEN pg_index_column_has_property(ix.indexrelid, k.ord::int, 'desc')
                                           THEN ' DESC' ELSE '' END
                    FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                   WHERE k.ord <= ix.indnkeyatts
                   ORDER BY k.ord) AS "columns"
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class c ON c.oid = ix.indrelid
      WHERE ${tableFilter} AND ix.indpred IS NULL AND ix.indexprs IS NULL
      ORDER BY c.relname, i.relname`,
    params,
  );
  const foreignKeys = await client.query<{
    table: string;
    columns: string[];
    referenced_table: string;
    referenced_columns: string[];
    on_delete: string;
    on_update: string;
  }>(
    `SELECT c.relname AS "table",
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS "columns",
            r.relname AS referenced_table,
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
              AS referenced_columns,
            con.confdeltype AS on_delete, con.confupdtype AS on_update
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_class r ON r.oid = con.confrelid
      WHERE con.contype = 'f' AND con.conparentid = 0 AND ${tableFilter}
      ORDER BY c.relname, con.conname`,
    params,
  );

  const shape: SchemaShape = {};
  const tableOf = (name: string): TableShape => {
    shape[name] ??= { columns: {}, primaryKey: [], uniques: [], indexes: [], foreignKeys: [] };
    return shape[name];
  };
  for (const row of columns.rows) {
    tableOf(row.table).columns[row.column] = { type: row.type, nullable: !row.not_null, hasDefault: row.has_default };
  }
  for (const row of indexes.rows) {
    const table = tableOf(row.table);
    if (row.is_primary) table.primaryKey = row.columns;
    else if (row.is_unique) table.uniques.push({ name: row.name, columns: row.columns });
    else table.indexes.push({ name: row.name, columns: row.columns });
  }
  for (const row of foreignKeys.rows) {
    tableOf(row.table).foreignKeys.push({
      columns: row.columns,
      referencedTable: row.referenced_table,
      referencedColumns: row.referenced_columns,
      onDelete: referentialActionOf(row.on_delete),
      onUpdate: referentialActionOf(row.on_update),
    });
  }
  return shape;
}

function referentialActionOf(code: string): ReferentialAction {
  const action = actionCodes[code];
  if (!action) throw new Error(`unknown referential action code ${code}`);
  return action;
}

// ---------------------------------------------------------------------------------------------
// comparison
// ---------------------------------------------------------------------------------------------

/**
 * Every disagreement between the two shapes, one readable line each; empty when they agree.
 * Indexes are compared one way only (every index Prisma declares must exist): the database may
 * hold more, e.g. partial indexes. Everything else must match both ways.
 */
export function diffSchemaShapes(prisma: SchemaShape, database: SchemaShape): string[] {
  const problems: string[] = [];
  for (const name of sortedUnion(Object.keys(prisma), Object.keys(database))) {
    const fromPrisma = prisma[name];
    const fromDatabase = database[name];
    if (!fromPrisma) problems.push(`table ${name}: in the database, missing from schema.prisma`);
    else if (!fromDatabase) problems.push(`table ${name}: in schema.prisma, missing from the database`);
    else problems.push(...diffTable(name, fromPrisma, fromDatabase));
  }
  return problems;
}

function diffTable(table: string, prisma: TableShape, database: TableShape): string[] {
  const problems: string[] = [];
  for (const name of sortedUnion(Object.keys(prisma.columns), Object.keys(database.columns))) {
    const fromPrisma = prisma.columns[name];
    const fromDatabase = database.columns[name];
    const where = `table ${table}, column ${name}`;
    if (!fromPrisma) {
      problems.push(`${where}: in the database, missing from schema.prisma`);
    } else if (!fromDatabase) {
      problems.push(`${where}: in schema.prisma, missing from the database`);
    } else {
      if (fromPrisma.type !== fromDatabase.type) {
        problems.push(`${where}: type is ${fromPrisma.type} in schema.prisma but ${fromDatabase.type} in the database`);
      }
      if (fromPrisma.nullable !== fromDatabase.nullable) {
        problems.push(
          `${where}: ${nullability(fromPrisma)} in schema.prisma but ${nullability(fromDatabase)} in the database`,
        );
      }
      if (fromPrisma.hasDefault !== fromDatabase.hasDefault) {
        problems.push(
          `${where}: ${defaultness(fromPrisma)} in schema.prisma but ${defaultness(fromDatabase)} in the database`,
        );
      }
    }
  }

  if (prisma.primaryKey.join(", ") !== database.primaryKey.join(", ")) {
    problems.push(
      `table ${table}: primary key is (${prisma.primaryKey.join(", ")}) in schema.prisma but (${database.primaryKey.join(", ")}) in the database`,
    );
  }

  const uniqueKey = (index: IndexShape) => index.columns.join(", ");
  problems.push(
    ...oneSided(prisma.uniques, database.uniques, uniqueKey).map(
      (index) => `table ${table}: unique (${uniqueKey(index)}) in schema.prisma, missing from the database`,
    ),
    ...oneSided(database.uniques, prisma.uniques, uniqueKey).map(
      (index) => `table ${table}: unique (${uniqueKey(index)}) in the database, missing from schema.prisma`,
    ),
  );
  for (const declared of prisma.uniques) problems.push(...nameMismatch(table, "unique", declared, database.uniques));

  problems.push(
    ...oneSided(prisma.indexes, database.indexes, uniqueKey).map(
      (index) => `table ${table}: index (${uniqueKey(index)}) in schema.prisma, missing from the database`,
    ),
  );
  for (const declared of prisma.indexes) problems.push(...nameMismatch(table, "index", declared, database.indexes));

  const foreignKey = (fk: ForeignKeyShape) =>
    `(${fk.columns.join(", ")}) -> ${fk.referencedTable} (${fk.referencedColumns.join(", ")})`;
  problems.push(
    ...oneSided(prisma.foreignKeys, database.foreignKeys, foreignKey).map(
      (fk) => `table ${table}: foreign key ${foreignKey(fk)} in schema.prisma, missing from the database`,
    ),
    ...oneSided(database.foreignKeys, prisma.foreignKeys, foreignKey).map(
      (fk) => `table ${table}: foreign key ${foreignKey(fk)} in the database, missing from schema.prisma`,
    ),
  );
  for (const declared of prisma.foreignKeys) {
    const actual = database.foreignKeys.find((candidate) => foreignKey(candidate) === foreignKey(declared));
    if (actual && (actual.onDelete !== declared.onDelete || actual.onUpdate !== declared.onUpdate)) {
      problems.push(
        `table ${table}: foreign key ${foreignKey(declared)} is ON DELETE ${declared.onDelete} ON UPDATE ${declared.onUpdate} in schema.prisma but ON DELETE ${actual.onDelete} ON UPDATE ${actual.onUpdate} in the database`,
      );
    }
  }
  return problems;
}

function nullability(column: ColumnShape): string {
  return column.nullable ? "nullable" : "NOT NULL";
}

function defaultness(column: ColumnShape): string {
  return column.hasDefault ? "has a default" : "has no default";
}

function oneSided<T>(items: T[], others: T[], key: (item: T) => string): T[] {
  const otherKeys = new Set(others.map(key));
  return items.filter((item) => !otherKeys.has(key(item)));
}

/** A name given in schema.prisma (`map:`) must be the index's name in the database. */
function nameMismatch(table: string, kind: string, declared: IndexShape, actual: IndexShape[]): string[] {
  const match = actual.find((candidate) => candidate.columns.join(", ") === declared.columns.join(", "));
  if (!match || declared.name === null || match.name === declared.name) return [];
  return [
    `table ${table}: ${kind} (${declared.columns.join(", ")}) is named ${declared.name} in schema.prisma but ${match.name} in the database`,
  ];
}

function sortedUnion(left: string[], right: string[]): string[] {
  return [...new Set([...left, ...right])].sort();
}
