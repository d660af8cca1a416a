import { describe, expect, it } from "vitest";
import { diffSchemaShapes, prismaSchemaShape, type SchemaShape } from "./schema-agreement";

const header = 'datasource db {\n  provider = "postgresql"\n}\n';

describe("prismaSchemaShape", () => {
  it("spells Prisma's PostgreSQL types, defaults and keys as the database does", () => {
    const shape = prismaSchemaShape(`${header}
model Thing {
  id        Int      @id @default(autoincrement())
  label     String   @db.VarChar(40)
  note      String?
  price     Decimal  @db.Decimal(20, 4)
  plain     DateTime
  stamped   DateTime @default(now()) @map("stamped_at") @db.Timestamptz
  tags      String[]
  data      Json
  parentId  Int?     @map("parent_id")
  parent    Thing?   @relation("tree", fields: [parentId], references: [id])
  children  Thing[]  @relation("tree")

  @@unique([label, price], map: "things_label_price_key")
  @@index([stamped(sort: Desc)])
  @@map("things")
}
`);
    expect(shape).toEqual({
      things: {
        columns: {
          id: { type: "integer", nullable: false, hasDefault: true },
          label: { type: "character varying(40)", nullable: false, hasDefault: false },
          note: { type: "text", nullable: true, hasDefault: false },
          price: { type: "numeric(20,4)", nullable: false, hasDefault: false },
          plain: { type: "timestamp(3) without time zone", nullable: false, hasDefault: false },
          stamped_at: { type: "timestamp with time zone", nullable: false, hasDefault: true },
          tags: { type: "text[]", nullable: false, hasDefault: false },
          data: { type: "jsonb", nullable: false, hasDefault: false },
          parent_id: { type: "integer", nullable: true, hasDefault: false },
        },
        primaryKey: ["id"],
        uniques: [{ name: "things_label_price_key", columns: ["label", "price"] }],
        indexes: [{ name: null, columns: ["stamped_at DESC"] }],
        foreignKeys: [
          // Prisma's defaults for an optional relation.
          {
            columns: ["parent_id"],
            referencedTable: "things",
            referencedColumns: ["id"],
            onDelete: "SetNull",
            onUpdate: "Cascade",
          },
        ],
      },
    });
  });

  it("throws Prisma's own validation error for an invalid schema", () => {
    expect(() => prismaSchemaShape(`${header}\nmodel Broken {\n  id Int\n}\n`)).toThrow(/unique criteria/);
  });
});

describe("diffSchemaShapes", () => {
  const table = (): SchemaShape[string] => ({
    columns: { id: { type: "integer", nullable: false, hasDefault: true } },
    primaryKey: ["id"],
    uniques: [],
    indexes: [{ name: "t_id_idx", columns: ["id DESC"] }],
    foreignKeys: [],
  });

  it("is empty for equal shapes and accepts indexes only the database has", () => {
    const prisma = { t: { ...table(), indexes: [] } };
    expect(diffSchemaShapes(prisma, { t: table() })).toEqual([]);
  });

  it("reports a renamed index and a column missing on either side", () => {
    const prisma = { t: { ...table(), indexes: [{ name: "t_other_idx", columns: ["id DESC"] }] } };
    const database = {
      t: { ...table(), columns: { ...table().columns, extra: { type: "text", nullable: true, hasDefault: false } } },
    };
    expect(diffSchemaShapes(prisma, database)).toEqual([
      "table t, column extra: in the database, missing from schema.prisma",
      "table t: index (id DESC) is named t_other_idx in schema.prisma but t_id_idx in the database",
    ]);
    expect(diffSchemaShapes({ t: database.t }, { t: table() })).toEqual([
      "table t, column extra: in schema.prisma, missing from the database",
    ]);
  });

  it("reports a table missing from the database", () => {
    expect(diffSchemaShapes({ t: table() }, {})).toEqual(["table t: in schema.prisma, missing from the database"]);
  });
});
