import { describe } from "vitest";
// servicesEnv is the one reader of the services' environment; this package imports nothing else
// from another workspace package, and only its tests import this.
import { servicesEnv } from "../../../../infra/src/testing/services-env";
import { riskRepositoriesSuite } from "../testing/risk-repositories-suite";
import { scratchTestDatabases } from "../testing/scratch-test-databases";

describe("Portfolio, risk-control and API-key repositories as stored, on a PostgreSQL server", () => {
  riskRepositoriesSuite(() => scratchTestDatabases(servicesEnv().DATABASE_URL));
});
