"use client";

import { useQuery } from "@tanstack/react-query";
import { DependencyTable, Panel, Stat, StatusPill } from "@tradeops/ui";
import { useTRPC } from "../trpc/trpc-context";

/** How this deployment is wired and whether each dependency answers, refreshed every few seconds. */
export function SystemStatus() {
  const trpc = useTRPC();
  const status = useQuery(trpc.system.status.queryOptions(undefined, { refetchInterval: 5_000 }));

  if (status.isPending) return <p className="muted">Loading system status…</p>;
  if (status.isError) {
    return (
      <Panel title="System" aside={<StatusPill tone="bad">unreachable</StatusPill>}>
        <p className="error-text">The API did not answer: {status.error.message}</p>
      </Panel>
    );
  }
  const data = status.data;
  const ready = data.readiness.ready;
  return (
    <div className="grid">
      <Panel
        title="Deployment"
        aside={<StatusPill tone={ready ? "ok" : "bad"}>{ready ? "ready" : "not ready"}</StatusPill>}
      >
        <div className="stats">
          <Stat
            label="Mode"
            value={data.mode}
            hint={data.mode === "embedded" ? "PGlite, in-process bus, memory cache" : "PostgreSQL, Kafka, Redis"}
          />
          <Stat label="Version" value={data.version} />
          <Stat label="API started" value={new Date(data.startedAt).toLocaleString()} />
          <Stat label="Worker roles here" value={data.roles.length > 0 ? data.roles.join(", ") : "none"} />
        </div>
      </Panel>
      <Panel
        title="Dependencies"
        aside={<span className="muted">checked {new Date(data.readiness.checkedAt).toLocaleTimeString()}</span>}
      >
        <DependencyTable rows={data.readiness.checks} />
      </Panel>
      <Panel
        title="Database migrations"
        aside={
          <StatusPill tone={data.migrations.pending.length === 0 ? "ok" : "warn"}>
            {data.migrations.pending.length === 0 ? "up to date" : `${data.migrations.pending.length} pending`}
          </StatusPill>
        }
      >
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Name</th>
              <th scope="col">Applied</th>
            </tr>
          </thead>
          <tbody>
            {data.migrations.applied.map((m) => (
              <tr key={m.version}>
                <td className="mono">{m.version}</td>
                <td>{m.name}</td>
                <td>{new Date(m.appliedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
