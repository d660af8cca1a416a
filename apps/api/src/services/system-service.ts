import type { ReadinessReport, ReadinessService } from "@tradeops/infra";

export interface MigrationState {
  readonly applied: readonly { readonly version: string; readonly name: string; readonly appliedAt: string }[];
  readonly pending: readonly string[];
}

export interface SystemStatus {
  readonly mode: "embedded" | "services";
  readonly version: string;
  readonly startedAt: string;
  readonly roles: readonly string[];
  readonly readiness: ReadinessReport;
  readonly migrations: MigrationState;
}

/** What the console's system page shows: how this deployment is wired and whether it is healthy. */
export class SystemService {
  constructor(
    private readonly deps: {
      readiness: ReadinessService;
      migrations: () => Promise<MigrationState>;
      mode: SystemStatus["mode"];
      version: string;
      startedAt: number;
      roles: readonly string[];
    },
  ) {}

  async status(): Promise<SystemStatus> {
    const [readiness, migrations] = await Promise.all([this.deps.readiness.report(), this.deps.migrations()]);
    return {
      mode: this.deps.mode,
      version: this.deps.version,
      startedAt: new Date(this.deps.startedAt).toISOString(),
      roles: this.deps.roles,
      readiness,
      migrations,
    };
  }
}
