import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CorrelationMatrix, correlationBackground } from "./correlation-matrix";

describe("correlationBackground", () => {
  it("grows with the strength of the correlation, coloured by its sign", () => {
    expect(correlationBackground(1)).toBe("color-mix(in srgb, var(--bad) 70%, transparent)");
    expect(correlationBackground(0.5)).toBe("color-mix(in srgb, var(--bad) 35%, transparent)");
    expect(correlationBackground(-0.5)).toBe("color-mix(in srgb, var(--accent) 35%, transparent)");
    expect(correlationBackground(0)).toBe("color-mix(in srgb, var(--bad) 0%, transparent)");
    expect(correlationBackground(Number.NaN)).toBe("transparent");
  });
});

describe("CorrelationMatrix", () => {
  it("draws the spec's example matrix with row and column headers", () => {
    const markup = renderToStaticMarkup(
      createElement(CorrelationMatrix, {
        symbols: ["AAPL", "GOOGL"],
        matrix: [
          [1, 0.65],
          [0.65, 1],
        ],
      }),
    );
    expect(markup).toContain('aria-label="Correlation matrix"');
    expect(markup.match(/<th scope="col"/g)).toHaveLength(2);
    expect(markup.match(/<th scope="row"/g)).toHaveLength(2);
    expect(markup).toMatch(/data-pair="AAPL:GOOGL" data-value="0.65"[^>]*>0\.65</);
    expect(markup).toMatch(/data-pair="GOOGL:GOOGL" data-value="1"[^>]*>1\.00</);
  });

  it("says so when there is no matrix, or one that does not fit its symbols", () => {
    const none = renderToStaticMarkup(createElement(CorrelationMatrix, { symbols: ["AAPL"], matrix: null }));
    expect(none).toContain("No correlation matrix yet");
    const mismatched = renderToStaticMarkup(
      createElement(CorrelationMatrix, { symbols: ["AAPL", "X"], matrix: [[1]] }),
    );
    expect(mismatched).toContain("No correlation matrix yet");
  });
});
