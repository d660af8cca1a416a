import { describe } from "vitest";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";
import { rejectedTickRepositorySuite } from "../testing/rejected-tick-repository-suite";

describe("RejectedTickRepository, on embedded PGlite", () => {
  rejectedTickRepositorySuite(embeddedTestDatabases);
});
