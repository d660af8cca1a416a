import { EmptyState } from "./empty-state";
import { formatDateTime } from "./format-date-time";

type Leaf = string | number | boolean | null;

/** One field that an audited change changed, by its dotted path (`throttle.maxMessages`). */
export interface AuditFieldChange {
  readonly path: string;
  readonly before: Leaf | undefined;
  readonly after: Leaf | undefined;
}

export interface AuditRow {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly actor: string;
  readonly role: string | null;
  /** e.g. `trading_state.halt`, `risk_limits.update`. */
  readonly action: string;
  readonly reason: string | null;
  readonly old?: unknown;
  readonly new?: unknown;
}

function flatten(value: unknown, prefix: string, into: Map<string, Leaf>): void {
  if (value === undefined) return;
  if (value === null || typeof value !== "object") {
    into.set(prefix, typeof value === "bigint" || typeof value === "symbol" ? String(value) : (value as Leaf));
    return;
  }
  for (const key of Object.keys(value).sort()) {
    flatten((value as Record<string, unknown>)[key], prefix === "" ? key : `${prefix}.${key}`, into);
  }
}

/**
 * The fields an audited change changed. The new value decides which fields count: a trading-state
 * entry records the whole previous state (who set it, why) but only the new state, so fields the new
 * value leaves out are context, not changes. Without a new value (a deletion) every old field counts.
 */
export function auditChanges(before: unknown, after: unknown): AuditFieldChange[] {
  const a = new Map<string, Leaf>();
  const b = new Map<string, Leaf>();
  flatten(before, "", a);
  flatten(after, "", b);
  const paths = b.size > 0 ? [...b.keys()] : [...a.keys()];
  return paths
    .filter((path) => !Object.is(a.get(path), b.get(path)))
    .map((path) => ({
      path,
      before: a.get(path),
      after: b.get(path),
    }));
}

/** How the table names a changed field and writes its values; by default, as recorded. */
export interface AuditFieldFormat {
  readonly label: (path: string) => string;
  readonly value: (path: string, value: string | number | boolean) => string;
}

const asRecorded: AuditFieldFormat = { label: (path) => path, value: (_path, value) => String(value) };

function show(format: AuditFieldFormat, path: string, value: Leaf | undefined): string {
  if (value === undefined) return "—";
  return value === null ? "null" : format.value(path, value);
}

function Changes({ row, format }: { row: AuditRow; format: AuditFieldFormat }) {
  const changes = auditChanges(row.old, row.new);
  if (changes.length === 0) return <span className="muted">no field changed</span>;
  return (
    <ul className="ui-changes">
      {changes.map((change) => (
        <li key={change.path} data-path={change.path}>
          {change.path === "" ? null : <span className="muted">{format.label(change.path)}: </span>}
          <span className="mono">{show(format, change.path, change.before)}</span>
          {" → "}
          <span className="mono ui-change-after">{show(format, change.path, change.after)}</span>
        </li>
      ))}
    </ul>
  );
}

/** Who changed which risk control, when, from what to what, and why; newest first. */
export function AuditTrailTable({
  rows,
  format = asRecorded,
}: {
  rows: readonly AuditRow[];
  format?: AuditFieldFormat;
}) {
  if (rows.length === 0) return <EmptyState>No changes recorded yet.</EmptyState>;
  const ordered = [...rows].sort((x, y) => y.time - x.time);
  return (
    <table className="table ui-audit" aria-label="Audit trail" data-testid="audit-trail">
      <thead>
        <tr>
          <th scope="col">When (UTC)</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">Change</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {ordered.map((row) => (
          <tr key={row.id} data-audit-id={row.id} data-action={row.action}>
            <td className="mono">{formatDateTime(row.time)}</td>
            <td>
              {row.actor}
              {row.role ? <span className="muted"> ({row.role})</span> : null}
            </td>
            <td className="mono">{row.action}</td>
            <td>
              <Changes row={row} format={format} />
            </td>
            <td>{row.reason ?? <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
