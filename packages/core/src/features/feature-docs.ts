import { assertFeatureSet, type FeatureDefinition } from "./feature-definition";

/** Where the generated document lives, from the repository root. */
export const FEATURE_DOCS_PATH = "docs/features.md";

/** A table cell: pipes would end the cell and newlines the row. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll(/\s*\n\s*/g, " ");
}

function bars(count: number): string {
  return `${count} bar${count === 1 ? "" : "s"}`;
}

function windowText(definition: FeatureDefinition): string {
  return typeof definition.window === "number" ? bars(definition.window) : definition.window;
}

function warmupText(definition: FeatureDefinition): string {
  return definition.crossSectional === true ? `${bars(definition.warmup)} + another symbol` : bars(definition.warmup);
}

/**
 * `docs/features.md`: every feature of `definitions` (one pipeline version) with its description,
 * inputs, window, warm-up and version, and the conventions they share. Deterministic: the same
 * registry always renders the same text, so a test can compare it with the committed file.
 */
export function renderFeatureDocs(definitions: readonly FeatureDefinition[]): string {
  const version = assertFeatureSet(definitions);
  const lines = [
    "# Feature registry",
    "",
    "<!-- Generated from packages/core/src/features/feature-definitions.ts by",
    "     `npm run docs:features -w @tradeops/core`. Do not edit: a test fails when this file is out of date. -->",
    "",
    `Pipeline version **${version}**: ${definitions.length} features, in the order every feature vector lists them.`,
    "",
    "## Conventions",
    "",
    "- A feature is computed from the bars of one series (symbol, timeframe), taken one by one in time order,",
    "  in constant time per bar (a cross-sectional rank: one pass over the timeframe's symbols), by the same",
    "  code for training (batch) and live inference (incremental); the vector of a bar is stamped with the",
    "  bar's END time, when its values could first be known.",
    "- **Warm-up**: the bars of the series up to and including the first bar with a value. Before it the",
    "  feature is absent from the vector, never 0. A few features are also absent for a stated reason after",
    "  warm-up (no spread to divide by, no other symbol to rank against); each description says when.",
    "  Gaps in the bars are not filled: windows count bars, not clock time.",
    "- **Window**: the bars the value depends on once warm. `recursive`: every past bar with a decaying",
    "  weight (EMAs, Wilder's smoothing, seeded by the simple mean of the first values). `cumulative`: every",
    "  past bar of the series in full (OBV).",
    "- Returns and volatilities are per bar, not annualised. Standard deviations are sample (n - 1) except",
    "  Bollinger's (population, as Bollinger defines them).",
    "- **Cross-sectional ranks** (`rank_*`) compare a symbol with the other symbols of the same timeframe:",
    "  for a bar ending at E, the symbol's own value against each other symbol's value from its latest bar",
    "  that ended strictly before E (bars ending at E never count, so the order a feed delivers one time",
    "  step's bars in changes nothing). Rank = (others below + half the others equal) / others, in 0..1.",
    "  Symbols without such a value (not warm, not seen yet, removed from the pipeline, or delivered more",
    "  than two time steps ahead) are left out; with no other value the rank is absent. Feeds out of step",
    "  never let a later value in; a symbol running ahead ranks against the laggards' latest delivered values.",
    "- **Live and recomputed vectors.** The live pipeline sees every symbol and all of a series' history.",
    "  A vector recomputed from stored bars for one series (`GET /api/v1/features` with `timestamp`, a cache",
    "  miss, `GET /api/v1/history`) feeds a fresh pipeline the series' warm-up window (enough bars for",
    "  recursive features to agree within 1e-9 of the price scale): it has no `rank_*` features (ranking",
    "  would need the whole universe at that bar, so they are absent rather than guessed), and `obv`, being",
    "  cumulative, counts from the window's first bar (`obv_slope_20` and `obv_zscore_20` do not depend on",
    "  where it starts).",
    "",
    "## Features",
    "",
    "| Feature | Description | Inputs | Window | Warm-up | Version |",
    "| --- | --- | --- | --- | --- | --- |",
    ...definitions.map((definition) =>
      [
        "",
        `\`${definition.name}\``,
        cell(definition.description),
        definition.inputs.join(", "),
        windowText(definition),
        warmupText(definition),
        definition.version,
        "",
      ]
        .join(" | ")
        .trim(),
    ),
    "",
  ];
  return lines.join("\n");
}
