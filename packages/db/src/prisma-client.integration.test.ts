import { describe } from "vitest";
// servicesEnv is the one reader of the services' environment; this package imports nothing else
// from another workspace package, and only its tests import this.
import { servicesEnv } from "../../../infra/src/testing/services-env";
import { prismaSuite } from "./testing/prisma-suite";
import { scratchTestDatabases } from "./testing/scratch-test-databases";

describe("Prisma Client, on a PostgreSQL server", () => {
  prismaSuite(() => scratchTestDatabases(servicesEnv().DATABASE_URL));
});
