import { describe } from "vitest";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";
import { riskRepositoriesSuite } from "../testing/risk-repositories-suite";

describe("Portfolio, risk-control and API-key repositories as stored, on embedded PGlite", () => {
  riskRepositoriesSuite(embeddedTestDatabases);
});
