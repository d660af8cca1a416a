import { StatusPill } from "./status-pill";

export interface DependencyRow {
  readonly name: string;
  readonly adapter: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

/** Each dependency of a process, what serves it, and whether it answered. */
export function DependencyTable({ rows }: { rows: readonly DependencyRow[] }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Dependency</th>
          <th scope="col">Adapter</th>
          <th scope="col">State</th>
          <th scope="col" className="num">
            Latency
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name} data-dependency={row.name}>
            <td>{row.name}</td>
            <td className="mono">{row.adapter}</td>
            <td>
              <StatusPill tone={row.ok ? "ok" : "bad"}>{row.ok ? "ready" : "down"}</StatusPill>
              {row.error ? <span className="error-text"> {row.error}</span> : null}
            </td>
            <td className="num mono">{row.latencyMs.toFixed(2)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
