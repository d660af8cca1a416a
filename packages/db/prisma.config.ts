import { defineConfig } from "prisma/config";

/**
 * Prisma is used for client generation only: migrations are the SQL files in `migrations/`,
 * applied by `src/migrate.ts`, so no datasource URL is configured here.
 */
export default defineConfig({
  schema: "prisma/schema.prisma",
});
