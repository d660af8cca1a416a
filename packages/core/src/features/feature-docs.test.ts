import { describe, expect, it } from "vitest";
import committed from "../../../../docs/features.md?raw";
import { defineFeature, FEATURE_PIPELINE_VERSION, featureDefinitions } from "./feature-definitions";
import { FEATURE_DOCS_PATH, renderFeatureDocs } from "./feature-docs";

describe("docs/features.md", () => {
  it("is what the registry generates now", () => {
    expect(FEATURE_DOCS_PATH).toBe("docs/features.md");
    // On failure: run `npm run docs:features -w @tradeops/core` and commit the result.
    expect(committed, "docs/features.md is out of date: npm run docs:features -w @tradeops/core").toBe(
      renderFeatureDocs(featureDefinitions),
    );
  });

  it("has one table row per feature with its description, inputs, window, warm-up and version", () => {
    const rows = committed.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows).toHaveLength(featureDefinitions.length);
    expect(rows[0]).toBe("| `price` | Close of the bar. | close | 1 bar | 1 bar | v2.0 |");
    expect(rows.find((row) => row.startsWith("| `rsi_14` "))).toMatch(/\| close \| recursive \| 15 bars \| v2\.0 \|$/);
    expect(rows.find((row) => row.startsWith("| `obv` "))).toMatch(
      /\| close, volume \| cumulative \| 2 bars \| v2\.0 \|$/,
    );
    expect(rows.find((row) => row.startsWith("| `rank_returns_5` "))).toMatch(
      /\| 6 bars \+ another symbol \| v2\.0 \|$/,
    );
  });

  it("escapes what would break a table: pipes and line breaks in a description", () => {
    const odd = defineFeature({
      name: "odd",
      description: "Uses |x| and\nwraps.",
      inputs: ["close"],
      warmup: 2,
      window: 2,
      version: FEATURE_PIPELINE_VERSION,
      bind: () => () => 1,
    });
    expect(renderFeatureDocs([odd])).toContain("| `odd` | Uses \\|x\\| and wraps. | close | 2 bars | 2 bars | v2.0 |");
  });
});
