import { describe } from "vitest";
// servicesEnv is the one reader of the services' environment; this package imports nothing else
// from another workspace package, and only its tests import this.
import { servicesEnv } from "../../../infra/src/testing/services-env";
import { schemaAgreementSuite } from "./testing/schema-agreement-suite";
import { scratchTestDatabases } from "./testing/scratch-test-databases";

describe("schema.prisma agrees with the migrations, on a PostgreSQL server", () => {
  schemaAgreementSuite(() => scratchTestDatabases(servicesEnv().DATABASE_URL));
});
