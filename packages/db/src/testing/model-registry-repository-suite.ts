import { expect, it } from "vitest";
import { PrismaModelRegistryRepository } from "../repositories/model-registry-repository";
import type { RegisterVersionInput } from "../repositories/repository-ports";
import { useMigratedDatabase } from "./migrated-database";
import type { TestDatabaseFactory } from "./test-database";

function registration(modelName: string, n: number): RegisterVersionInput {
  return {
    modelName,
    description: `${modelName} specialist`,
    artifactKey: `models/${modelName}/${n}.onnx`,
    sha256: n.toString(16).padStart(64, "0"),
    metrics: { sharpe: 1.25 + n, val_loss: 0.125, per_regime: { bull: 0.5 }, notes: null },
    createdBy: "system:trainer",
  };
}

/** The ModelRegistryRepository against a migrated database. */
export function modelRegistryRepositorySuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  const db = useMigratedDatabase(createFactory);
  const repository = () => new PrismaModelRegistryRepository(db.prisma);

  async function aliasAudit(modelName: string) {
    const rows = await db.prisma.auditEvent.findMany({
      where: { entityType: "model", entityId: modelName, action: "model.alias_set" },
      orderBy: { id: "asc" },
      select: { actor: true, before: true, after: true },
    });
    return rows;
  }

  it("creates the model on first use and numbers its versions 1, 2, ...", async () => {
    const first = await repository().registerVersion(registration("bull_specialist", 1));
    expect(first).toEqual({
      modelName: "bull_specialist",
      version: 1,
      artifactKey: "models/bull_specialist/1.onnx",
      sha256: `${"0".repeat(63)}1`,
      metrics: { sharpe: 2.25, val_loss: 0.125, per_regime: { bull: 0.5 }, notes: null },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const second = await repository().registerVersion({
      ...registration("bull_specialist", 2),
      description: "a description that does not replace the first",
      dataHash: "window:2025-10",
    });
    expect(second.version).toBe(2);
    expect(await db.prisma.registeredModel.findUniqueOrThrow({ where: { name: "bull_specialist" } })).toMatchObject({
      description: "bull_specialist specialist",
      createdBy: "system:trainer",
    });
    expect(
      (
        await db.prisma.modelVersion.findUniqueOrThrow({
          where: { modelName_version: { modelName: "bull_specialist", version: 2 } },
        })
      ).dataHash,
    ).toBe("window:2025-10");
  });

  it("gives concurrent registrations distinct consecutive versions", async () => {
    const pair = await Promise.all([
      repository().registerVersion(registration("bear_specialist", 1)),
      repository().registerVersion(registration("bear_specialist", 2)),
    ]);
    expect(pair.map((version) => version.version).sort()).toEqual([1, 2]);
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => repository().registerVersion(registration("bear_specialist", 3 + i))),
    );
    expect(burst.map((version) => version.version).sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    // Each number went with the artifact of the call that received it.
    for (const version of [...pair, ...burst]) {
      const row = await db.prisma.modelVersion.findUniqueOrThrow({
        where: { modelName_version: { modelName: "bear_specialist", version: version.version } },
      });
      expect(row.artifactKey).toBe(version.artifactKey);
    }
  });

  it("moves an alias, auditing each move with the version before and after", async () => {
    const model = "sideways_specialist";
    await repository().registerVersion(registration(model, 1));
    await repository().registerVersion(registration(model, 2));
    expect(await repository().resolveAlias(model, "production")).toBeNull();

    await repository().setAlias({ modelName: model, alias: "production", version: 1, updatedBy: "user:alice" });
    expect(await repository().resolveAlias(model, "production")).toMatchObject({
      version: 1,
      sha256: `${"0".repeat(63)}1`,
    });
    await repository().setAlias({ modelName: model, alias: "production", version: 2, updatedBy: "user:bob" });
    // Pointing it where it already points changes nothing and is not audited.
    await repository().setAlias({ modelName: model, alias: "production", version: 2, updatedBy: "user:carol" });
    expect(await repository().resolveAlias(model, "production")).toEqual({
      modelName: model,
      version: 2,
      artifactKey: `models/${model}/2.onnx`,
      sha256: `${"0".repeat(63)}2`,
      metrics: registration(model, 2).metrics,
      createdAt: expect.any(String),
    });
    expect(
      await db.prisma.modelAlias.findUniqueOrThrow({
        where: { modelName_alias: { modelName: model, alias: "production" } },
      }),
    ).toMatchObject({ version: 2, updatedBy: "user:bob" });
    expect(await aliasAudit(model)).toEqual([
      { actor: "user:alice", before: null, after: { alias: "production", version: 1 } },
      { actor: "user:bob", before: { alias: "production", version: 1 }, after: { alias: "production", version: 2 } },
    ]);
  });

  it("refuses an alias to an unknown model or version, and resolves malformed names to null", async () => {
    await repository().registerVersion(registration("meta_controller", 1));
    await expect(
      repository().setAlias({ modelName: "meta_controller", alias: "stable", version: 2, updatedBy: "user:alice" }),
    ).rejects.toThrow("model meta_controller has no version 2");
    await expect(
      repository().setAlias({ modelName: "nobody", alias: "stable", version: 1, updatedBy: "user:alice" }),
    ).rejects.toThrow("model nobody is not registered");
    await expect(
      repository().setAlias({ modelName: "meta_controller", alias: "Stable!", version: 1, updatedBy: "user:alice" }),
    ).rejects.toThrow(/alias/);
    expect(await aliasAudit("meta_controller")).toEqual([]);
    expect(await repository().resolveAlias("nobody", "stable")).toBeNull();
    expect(await repository().resolveAlias("Bad Name", "stable")).toBeNull();
    expect(await repository().resolveAlias("meta_controller", "")).toBeNull();
  });

  it("refuses a registration the registry tables would refuse", async () => {
    await expect(
      repository().registerVersion({ ...registration("risk_model", 1), sha256: "A".repeat(64) }),
    ).rejects.toThrow(/sha256/i);
    await expect(
      repository().registerVersion({ ...registration("risk_model", 1), modelName: "Risk Model" }),
    ).rejects.toThrow(/modelName/);
    expect(await db.prisma.registeredModel.count({ where: { name: "risk_model" } })).toBe(0);
  });
}
