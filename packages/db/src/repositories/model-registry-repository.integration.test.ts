import { describe } from "vitest";
// servicesEnv is the one reader of the services' environment; this package imports nothing else
// from another workspace package, and only its tests import this.
import { servicesEnv } from "../../../../infra/src/testing/services-env";
import { modelRegistryRepositorySuite } from "../testing/model-registry-repository-suite";
import { scratchTestDatabases } from "../testing/scratch-test-databases";

describe("ModelRegistryRepository, on a PostgreSQL server", () => {
  modelRegistryRepositorySuite(() => scratchTestDatabases(servicesEnv().DATABASE_URL));
});
