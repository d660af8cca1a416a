import { describe } from "vitest";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";
import { regimeHistoryRepositorySuite } from "../testing/regime-history-repository-suite";

describe("RegimeHistoryRepository, on embedded PGlite", () => {
  regimeHistoryRepositorySuite(embeddedTestDatabases);
});
