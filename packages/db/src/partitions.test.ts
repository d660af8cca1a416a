import { describe } from "vitest";
import { embeddedTestDatabases } from "./testing/embedded-test-databases";
import { partitionsSuite } from "./testing/partitions-suite";

describe("time partitions, on embedded PGlite", () => {
  partitionsSuite(embeddedTestDatabases);
});
