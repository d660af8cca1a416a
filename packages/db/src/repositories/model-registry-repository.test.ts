import { describe } from "vitest";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";
import { modelRegistryRepositorySuite } from "../testing/model-registry-repository-suite";

describe("ModelRegistryRepository, on embedded PGlite", () => {
  modelRegistryRepositorySuite(embeddedTestDatabases);
});
