import { describe } from "vitest";
import { embeddedTestDatabases } from "./testing/embedded-test-databases";
import { prismaSuite } from "./testing/prisma-suite";

describe("Prisma Client, on embedded PGlite", () => {
  prismaSuite(embeddedTestDatabases);
});
