import { EmptyState } from "./empty-state";
import { formatFixed } from "./format";

export interface CorrelationMatrixProps {
  /** The rows' and columns' symbols, in the matrix's order. */
  readonly symbols: readonly string[];
  /** Square, symmetric, entries in [-1, 1]; null when the data cannot support it. */
  readonly matrix: readonly (readonly number[])[] | null;
}

/**
 * A cell's background: positive correlation (holdings that move together, concentrated risk) in the
 * warning colour, negative (hedging) in the accent colour, more opaque the stronger it is.
 */
export function correlationBackground(value: number): string {
  if (!Number.isFinite(value)) return "transparent";
  const strength = Math.round(Math.min(1, Math.abs(value)) * 70);
  const colour = value >= 0 ? "var(--bad)" : "var(--accent)";
  return `color-mix(in srgb, ${colour} ${strength}%, transparent)`;
}

/** The held symbols' pairwise return correlations as a heat table. */
export function CorrelationMatrix({ symbols, matrix }: CorrelationMatrixProps) {
  if (matrix === null || symbols.length === 0 || matrix.length !== symbols.length) {
    return <EmptyState>No correlation matrix yet: too few positions or too little history.</EmptyState>;
  }
  return (
    <table className="table ui-heat-table" aria-label="Correlation matrix" data-testid="correlation-matrix">
      <thead>
        <tr>
          <td />
          {symbols.map((symbol) => (
            <th key={symbol} scope="col" className="mono">
              {symbol}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {symbols.map((rowSymbol, i) => (
          <tr key={rowSymbol}>
            <th scope="row" className="mono">
              {rowSymbol}
            </th>
            {symbols.map((columnSymbol, j) => {
              const value = matrix[i]?.[j] ?? Number.NaN;
              return (
                <td
                  key={columnSymbol}
                  className="num mono"
                  data-pair={`${rowSymbol}:${columnSymbol}`}
                  data-value={value}
                  style={{ background: correlationBackground(value) }}
                >
                  {formatFixed(value, 2)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
