import { describe } from "vitest";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";
import { riskRepositoriesSuite } from "../testing/risk-repositories-suite";

describe("Portfolio, risk-control and API-key repositories, on embedded PGlite", () => {
  riskRepositoriesSuite(embeddedTestDatabases);
});
