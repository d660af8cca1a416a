import { z } from "zod";
import type { ModelVersion, Prisma, PrismaClient } from "../generated/prisma/client";
import type {
  ModelRegistryRepository,
  RegisteredModelVersion,
  RegisterVersionInput,
  SetAliasInput,
} from "./repository-ports";

// The registry tables' own CHECKs (0002_platform_schema.sql), so bad input is named here.
const modelName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, "a model name of a-z, 0-9, '_', '.' or '-'");
const aliasName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, "an alias of a-z, 0-9, '_' or '-', starting with a letter");
const principal = z.string().min(1);

const registerInputSchema = z.object({
  modelName,
  description: z.string(),
  artifactKey: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "a lower-case hex SHA-256"),
  metrics: z.record(z.string(), z.json()),
  dataHash: z.string().min(1).optional(),
  createdBy: principal,
});

const setAliasInputSchema = z.object({
  modelName,
  alias: aliasName,
  version: z.number().int().min(1).max(2_147_483_647),
  updatedBy: principal,
});

const metricsSchema = z.record(z.string(), z.json());

function toRegisteredVersion(row: ModelVersion): RegisteredModelVersion {
  return {
    modelName: row.modelName,
    version: row.version,
    artifactKey: row.artifactKey,
    sha256: row.sha256,
    metrics: metricsSchema.parse(row.metrics),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Locks a registered model's row for the rest of the transaction, so that version numbering and
 * alias moves of one model happen one at a time. NO KEY UPDATE leaves foreign-key checks against
 * the row (KEY SHARE) unblocked. False when the model does not exist.
 */
async function lockModel(tx: Prisma.TransactionClient, name: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT name FROM registered_models WHERE name = ${name} FOR NO KEY UPDATE`;
  return rows.length > 0;
}

/** Registered models, their numbered versions and movable aliases. */
export class PrismaModelRegistryRepository implements ModelRegistryRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Registers the artifact as the model's next version (1 for the first), creating the registered
   * model with `description` when missing (an existing model's description is kept). Concurrent
   * registrations of one model get consecutive numbers: each holds the model's row lock while it
   * reads the highest version and inserts the next.
   */
  async registerVersion(input: RegisterVersionInput): Promise<RegisteredModelVersion> {
    const parsed = registerInputSchema.parse(input);
    return this.#prisma.$transaction(async (tx) => {
      // ON CONFLICT DO NOTHING: a concurrent first registration waits here for the other's commit.
      await tx.registeredModel.createMany({
        data: [{ name: parsed.modelName, description: parsed.description, createdBy: parsed.createdBy }],
        skipDuplicates: true,
      });
      if (!(await lockModel(tx, parsed.modelName))) {
        throw new Error(`model ${parsed.modelName} vanished while registering a version`);
      }
      const latest = await tx.modelVersion.aggregate({
        where: { modelName: parsed.modelName },
        _max: { version: true },
      });
      const row = await tx.modelVersion.create({
        data: {
          modelName: parsed.modelName,
          version: (latest._max.version ?? 0) + 1,
          artifactKey: parsed.artifactKey,
          sha256: parsed.sha256,
          metrics: parsed.metrics,
          dataHash: parsed.dataHash ?? null,
          createdBy: parsed.createdBy,
        },
      });
      return toRegisteredVersion(row);
    });
  }

  /**
   * Points the alias at the version and appends a `model.alias_set` audit entry (entity `model`,
   * the model's name; `before`/`after` hold `{ alias, version }`, `before` absent for a new alias).
   * An alias already at that version writes nothing. Throws when the model or version is unknown.
   */
  async setAlias(input: SetAliasInput): Promise<void> {
    const parsed = setAliasInputSchema.parse(input);
    await this.#prisma.$transaction(async (tx) => {
      if (!(await lockModel(tx, parsed.modelName))) {
        throw new Error(`model ${parsed.modelName} is not registered`);
      }
      const target = await tx.modelVersion.findUnique({
        where: { modelName_version: { modelName: parsed.modelName, version: parsed.version } },
        select: { version: true },
      });
      if (!target) throw new Error(`model ${parsed.modelName} has no version ${parsed.version}`);
      const current = await tx.modelAlias.findUnique({
        where: { modelName_alias: { modelName: parsed.modelName, alias: parsed.alias } },
        select: { version: true },
      });
      if (current?.version === parsed.version) return;
      await tx.$executeRaw`
        INSERT INTO model_aliases (model_name, alias, version, updated_by)
        VALUES (${parsed.modelName}, ${parsed.alias}, ${parsed.version}, ${parsed.updatedBy})
        ON CONFLICT (model_name, alias)
        DO UPDATE SET version = excluded.version, updated_by = excluded.updated_by, updated_at = now()`;
      await tx.auditEvent.create({
        data: {
          actor: parsed.updatedBy,
          action: "model.alias_set",
          entityType: "model",
          entityId: parsed.modelName,
          ...(current ? { before: { alias: parsed.alias, version: current.version } } : {}),
          after: { alias: parsed.alias, version: parsed.version },
        },
      });
    });
  }

  /** The version an alias points at; null for an unknown model or alias (or a malformed name). */
  async resolveAlias(name: string, alias: string): Promise<RegisteredModelVersion | null> {
    const key = z.object({ modelName, alias: aliasName }).safeParse({ modelName: name, alias });
    if (!key.success) return null;
    const row = await this.#prisma.modelAlias.findUnique({
      where: { modelName_alias: key.data },
      select: { modelVersion: true },
    });
    return row ? toRegisteredVersion(row.modelVersion) : null;
  }
}
