import { describe } from "vitest";
import { decisionRepositorySuite } from "../testing/decision-repository-suite";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";

describe("DecisionRepository, on embedded PGlite", () => {
  decisionRepositorySuite(embeddedTestDatabases);
});
