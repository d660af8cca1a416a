import { describe } from "vitest";
import { embeddedTestDatabases } from "./testing/embedded-test-databases";
import { schemaAgreementSuite } from "./testing/schema-agreement-suite";

describe("schema.prisma agrees with the migrations, on embedded PGlite", () => {
  schemaAgreementSuite(embeddedTestDatabases);
});
