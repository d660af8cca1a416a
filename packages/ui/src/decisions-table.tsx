"use client";

import { ActionBadge, type DecisionAction } from "./action-badge";
import { EmptyState } from "./empty-state";
import { formatClock, formatFixed, formatPercent, formatQuantity } from "./format";
import { StatusPill } from "./status-pill";

export interface DecisionRow {
  readonly decisionId: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly symbol: string;
  readonly action: DecisionAction;
  readonly quantity: number;
  /** In [0, 1]. */
  readonly confidence: number;
  readonly price?: number;
  /** The pre-trade risk check's verdict; absent when no check ran. */
  readonly approved?: boolean;
  /** Whether forensics has stored the decision's SHAP explanation yet. */
  readonly explained: boolean;
}

export interface DecisionsTableProps {
  readonly rows: readonly DecisionRow[];
  readonly selectedId?: string | null;
  readonly onSelect?: (decisionId: string) => void;
  readonly loading?: boolean;
}

/** Newest first; a stable sort keeps decisions made in the same millisecond in the order given. */
export function newestFirst(rows: readonly DecisionRow[]): DecisionRow[] {
  return [...rows].sort((a, b) => b.time - a.time);
}

function RiskVerdict({ approved }: { approved: boolean | undefined }) {
  if (approved === undefined) return <span className="muted">—</span>;
  return approved ? <StatusPill tone="ok">approved</StatusPill> : <StatusPill tone="bad">rejected</StatusPill>;
}

/**
 * The latest decisions. Each row is selectable by its time button, which stretches over the whole row, so
 * the row is clickable while the table keeps its table semantics and keyboard users get a real button.
 */
export function DecisionsTable({ rows, selectedId = null, onSelect, loading = false }: DecisionsTableProps) {
  if (rows.length === 0) {
    return (
      <figure className="ui-figure" aria-label="Latest decisions" aria-busy={loading} data-testid="decisions-table">
        <EmptyState>{loading ? "Loading decisions…" : "No decisions yet."}</EmptyState>
      </figure>
    );
  }
  return (
    <table
      className="table ui-decisions"
      aria-label="Latest decisions"
      aria-busy={loading}
      data-testid="decisions-table"
    >
      <thead>
        <tr>
          <th scope="col">Time (UTC)</th>
          <th scope="col">Symbol</th>
          <th scope="col">Action</th>
          <th scope="col" className="num">
            Quantity
          </th>
          <th scope="col" className="num">
            Price
          </th>
          <th scope="col" className="num">
            Confidence
          </th>
          <th scope="col">Risk</th>
          <th scope="col">Explanation</th>
        </tr>
      </thead>
      <tbody>
        {newestFirst(rows).map((row) => {
          const selected = row.decisionId === selectedId;
          const clock = formatClock(row.time);
          return (
            <tr
              key={row.decisionId}
              className={selected ? "ui-row ui-row-selected" : "ui-row"}
              data-decision-id={row.decisionId}
              aria-current={selected ? "true" : undefined}
            >
              <td>
                <button
                  type="button"
                  className="ui-row-button mono"
                  aria-label={`${clock} ${row.symbol} ${row.action}: show explanation`}
                  onClick={() => onSelect?.(row.decisionId)}
                >
                  {clock}
                </button>
              </td>
              <td>{row.symbol}</td>
              <td>
                <ActionBadge action={row.action} />
              </td>
              <td className="num mono">{formatQuantity(row.quantity)}</td>
              <td className="num mono">{row.price === undefined ? "—" : formatFixed(row.price, 2)}</td>
              <td className="num mono">{formatPercent(row.confidence)}</td>
              <td>
                <RiskVerdict approved={row.approved} />
              </td>
              <td>
                {row.explained ? (
                  <StatusPill tone="ok">ready</StatusPill>
                ) : (
                  <StatusPill tone="neutral">pending</StatusPill>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
