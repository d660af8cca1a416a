import { describe } from "vitest";
import { embeddedTestDatabases } from "./testing/embedded-test-databases";
import { migrateSuite } from "./testing/migrate-suite";

describe("migrate, on embedded PGlite", () => {
  migrateSuite(embeddedTestDatabases);
});
