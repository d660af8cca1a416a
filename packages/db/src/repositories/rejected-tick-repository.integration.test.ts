import { describe } from "vitest";
// servicesEnv is the one reader of the services' environment; this package imports nothing else
// from another workspace package, and only its tests import this.
import { servicesEnv } from "../../../../infra/src/testing/services-env";
import { rejectedTickRepositorySuite } from "../testing/rejected-tick-repository-suite";
import { scratchTestDatabases } from "../testing/scratch-test-databases";

describe("RejectedTickRepository, on a PostgreSQL server", () => {
  rejectedTickRepositorySuite(() => scratchTestDatabases(servicesEnv().DATABASE_URL));
});
