import { describe } from "vitest";
import { embeddedTestDatabases } from "../testing/embedded-test-databases";
import { marketDataRepositorySuite } from "../testing/market-data-repository-suite";

describe("MarketDataRepository, on embedded PGlite", () => {
  marketDataRepositorySuite(embeddedTestDatabases);
});
