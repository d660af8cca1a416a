import type { Pingable } from "@tradeops/core";
import type { ProcessResources } from "./create-resources";
import type { Database } from "./database";

export interface DependencyCheck {
  readonly name: string;
  /** Which adapter serves it (`kafka(...)`, `in-process`, `redis`, ...), shown to operators. */
  readonly adapter: string;
  /** Resolves when the dependency can serve; rejects with the reason otherwise. */
  readonly check: () => Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly adapter: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checkedAt: string;
  readonly checks: readonly CheckResult[];
}

function pingCheck(name: string, adapter: string, target: Pingable): DependencyCheck {
  return { name, adapter, check: () => target.ping() };
}

/**
 * Runs every dependency check in parallel, each bounded by a timeout, so one hung dependency
 * makes `/readyz` answer 503 promptly instead of hanging the probe.
 */
export class ReadinessService {
  constructor(
    private readonly checks: readonly DependencyCheck[],
    private readonly options: { timeoutMs: number; now: () => number },
  ) {}

  async report(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map((check) => this.run(check)));
    return {
      ready: results.every((result) => result.ok),
      checkedAt: new Date(this.options.now()).toISOString(),
      checks: results,
    };
  }

  private async run(dependency: DependencyCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        dependency.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.options.timeoutMs} ms`)),
            this.options.timeoutMs,
          );
        }),
      ]);
      return { name: dependency.name, adapter: dependency.adapter, ok: true, latencyMs: elapsed(started) };
    } catch (error) {
      return {
        name: dependency.name,
        adapter: dependency.adapter,
        ok: false,
        latencyMs: elapsed(started),
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number) {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** The checks every server process reports: its database (migrated) and each port's adapter. */
export function standardChecks(database: Database, resources: ProcessResources): DependencyCheck[] {
  return [
    {
      name: "database",
      adapter: "postgresql",
      check: async () => {
        await database.ping();
        const { pending } = await database.migrations();
        if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(", ")}`);
      },
    },
    pingCheck("bus", resources.adapters.bus, resources.bus),
    pingCheck("cache", resources.adapters.cache, resources.cache),
    pingCheck("queue", resources.adapters.queue, resources.queue),
    pingCheck("models", resources.adapters.models, resources.models),
  ];
}
