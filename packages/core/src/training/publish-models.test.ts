import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../embedded/manual-clock";
import { MemoryModelStore } from "../embedded/memory-model-store";
import { MlpModelRuntime } from "../models/mlp-model-runtime";
import type { Clock } from "../ports/clock";
import type { Logger } from "../ports/logger";
import type { LoadedModel, ModelRuntime } from "../ports/model-runtime";
import type { ModelStore } from "../ports/model-store";
import type { ModelRegistryRepository, RegisteredModelVersion } from "../ports/repositories";
import { type BootstrapInput, type BootstrapResult, bootstrapModels } from "./bootstrap-models";
import {
  loadProductionModels,
  ProductionModelsError,
  productionAlias,
  productionModelNames,
  publishBootstrap,
} from "./publish-models";
import { sha256Hex } from "./simulated-history";

/**
 * The registry port over plain maps, with the database's rules: versions numbered 1, 2, ... per
 * model; an alias can only name an existing version; nothing is ever deleted.
 */
class InMemoryModelRegistry implements ModelRegistryRepository {
  readonly models = new Map<string, { description: string; versions: RegisteredModelVersion[] }>();
  readonly aliases = new Map<string, { version: number; updatedBy: string }>();

  constructor(private readonly clock: Clock = new ManualClock(Date.UTC(2025, 0, 6))) {}

  async registerVersion(input: Parameters<ModelRegistryRepository["registerVersion"]>[0]) {
    const model = this.models.get(input.modelName) ?? { description: input.description, versions: [] };
    this.models.set(input.modelName, model);
    const version: RegisteredModelVersion = {
      modelName: input.modelName,
      version: model.versions.length + 1,
      artifactKey: input.artifactKey,
      sha256: input.sha256,
      metrics: structuredClone({ ...input.metrics, dataHash: input.dataHash }),
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    model.versions.push(version);
    return structuredClone(version);
  }

  async setAlias(input: { modelName: string; alias: string; version: number; updatedBy: string }) {
    if (!this.models.get(input.modelName)?.versions.some((v) => v.version === input.version)) {
      throw new Error(`no version ${input.modelName}@${input.version}`);
    }
    this.aliases.set(`${input.modelName}\u0000${input.alias}`, { version: input.version, updatedBy: input.updatedBy });
  }

  async resolveAlias(modelName: string, alias: string) {
    const target = this.aliases.get(`${modelName}\u0000${alias}`);
    const version = this.models.get(modelName)?.versions.find((v) => v.version === target?.version);
    return version === undefined ? null : structuredClone(version);
  }

  versionCount(modelName: string): number {
    return this.models.get(modelName)?.versions.length ?? 0;
  }
}

class Crash extends Error {}

/** The registry, failing on its `failOn`-th write (register or alias move) as a process crash would. */
function crashingRegistry(registry: ModelRegistryRepository, failOn: number): ModelRegistryRepository {
  let writes = 0;
  const write = (): void => {
    if (++writes === failOn) throw new Crash(`crash at write ${failOn}`);
  };
  return {
    registerVersion: async (input) => {
      write();
      return registry.registerVersion(input);
    },
    setAlias: async (input) => {
      write();
      return registry.setAlias(input);
    },
    resolveAlias: (modelName, alias) => registry.resolveAlias(modelName, alias),
  };
}

function crashingStore(store: ModelStore, failOn: number): ModelStore {
  let puts = 0;
  return {
    ping: () => store.ping(),
    put: async (key, bytes, metadata) => {
      if (++puts === failOn) throw new Crash(`crash at put ${failOn}`);
      return store.put(key, bytes, metadata);
    },
    get: (key) => store.get(key),
    head: (key) => store.head(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
  };
}

/** Every production alias names a registered version whose artefact is stored with that digest. */
async function expectAliasesSound(registry: InMemoryModelRegistry, store: ModelStore): Promise<void> {
  for (const name of productionModelNames) {
    const version = await registry.resolveAlias(name, productionAlias);
    if (version === null) continue;
    const bytes = await store.get(version.artifactKey);
    expect(bytes, version.artifactKey).not.toBeNull();
    expect(await sha256Hex(bytes ?? new Uint8Array())).toBe(version.sha256);
  }
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = (): void => {};
  const logger = {
    warnings,
    debug: noop,
    info: noop,
    error: noop,
    warn: (fields: Record<string, unknown> | string, message?: string) => {
      warnings.push(typeof fields === "string" ? fields : (message ?? ""));
    },
    child: () => logger,
  };
  return logger;
}

const base: BootstrapInput = {
  seed: 31,
  now: Date.UTC(2025, 0, 6, 14, 30),
  symbols: 2,
  bars: 1_200,
  horizon: 10,
  threshold: 0.002,
  backgroundSize: 10,
  regime: { restarts: 0, maxIterations: 20 },
  specialist: { training: { maxEpochs: 2, hidden: [6] } },
  clock: new ManualClock(0),
};

let resultA: BootstrapResult;
let resultB: BootstrapResult;

beforeAll(async () => {
  resultA = await bootstrapModels(base);
  resultB = await bootstrapModels({ ...base, seed: 32 });
});

const runtime = new MlpModelRuntime();
const setup = () => ({ store: new MemoryModelStore(), registry: new InMemoryModelRegistry() });

describe("publishBootstrap and loadProductionModels", () => {
  it("finds nothing on a first start", async () => {
    const { store, registry } = setup();
    expect(await loadProductionModels({ models: store, registry, runtime })).toBeNull();
  });

  it("round-trips: what is published to production is what loads", async () => {
    const { store, registry } = setup();
    const published = await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
    expect(published.map((p) => [p.modelName, p.version, p.registered])).toEqual(
      productionModelNames.map((name) => [name, 1, true]),
    );
    for (const p of published) {
      expect(p.artifactKey).toBe(`models/${p.modelName}/${p.sha256.slice(0, 16)}/${p.artifactKey.split("/").at(-1)}`);
      expect((await store.head(p.artifactKey))?.sha256).toBe(p.sha256);
    }

    const loaded = await loadProductionModels({ models: store, registry, runtime });
    if (loaded === null) throw new Error("nothing loaded");
    expect(loaded.regimeModel).toEqual(resultA.regimeModel);
    expect(loaded.background).toEqual(resultA.background);
    expect([loaded.regimeModelVersion, loaded.backgroundVersion]).toEqual([1, 1]);
    const rows = resultA.background.rows;
    const batch = Float32Array.from(rows.flat());
    for (const [i, specialist] of loaded.specialists.entries()) {
      const original = resultA.specialists[i];
      if (!original) throw new Error("missing specialist");
      expect([specialist.name, specialist.version]).toEqual([original.name, 1]);
      expect(specialist.featureNames).toEqual(original.featureNames);
      expect(specialist.model.name).toBe(`${original.name}@1`);
      const direct = await runtime.load(original.onnx, { name: "direct" });
      expect(await specialist.model.run(batch, rows.length)).toEqual(await direct.run(batch, rows.length));
    }
    const registered = await registry.resolveAlias("bull_specialist", productionAlias);
    expect(registered?.metrics.dataHash).toBe(resultA.dataHash);
    expect(registered?.metrics.validationMajorityRate).toBe(resultA.specialists[0]?.metrics.validationMajorityRate);
  });

  it("is a no-op when run again with the same result", async () => {
    const { store, registry } = setup();
    await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
    const again = await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
    expect(again.every((p) => !p.registered && p.version === 1)).toBe(true);
    expect(productionModelNames.map((name) => registry.versionCount(name))).toEqual([1, 1, 1, 1, 1]);
    expect(await store.list()).toHaveLength(5);
  });

  it("moves production to a new bootstrap's versions", async () => {
    const { store, registry } = setup();
    await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
    const published = await publishBootstrap(resultB, { models: store, registry, createdBy: "test" });
    expect(published.map((p) => p.version)).toEqual([2, 2, 2, 2, 2]);
    const loaded = await loadProductionModels({ models: store, registry, runtime });
    expect(loaded?.regimeModel).toEqual(resultB.regimeModel);
    expect(loaded?.specialists.map((s) => s.version)).toEqual([2, 2, 2]);
  });

  it("survives a crash at any registry write on a first start: never a partial set, and a rerun completes it", async () => {
    // 5 registrations, then 5 alias moves.
    for (let failOn = 1; failOn <= 10; failOn++) {
      const { store, registry } = setup();
      const options = { models: store, registry: crashingRegistry(registry, failOn), createdBy: "test" };
      await expect(publishBootstrap(resultA, options)).rejects.toBeInstanceOf(Crash);
      await expectAliasesSound(registry, store);
      expect(await loadProductionModels({ models: store, registry, runtime }), `crash ${failOn}`).toBeNull();

      const rerun = await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
      await expectAliasesSound(registry, store);
      for (const p of rerun) {
        expect((await registry.resolveAlias(p.modelName, productionAlias))?.sha256).toBe(p.sha256);
      }
      // Models whose alias had already moved are not registered again.
      const moved = Math.max(0, failOn - 6);
      expect(rerun.filter((p) => !p.registered)).toHaveLength(moved);
      expect(await loadProductionModels({ models: store, registry, runtime }), `rerun ${failOn}`).not.toBeNull();
    }
  });

  it("survives a crash while storing: nothing is registered until every artefact is stored", async () => {
    for (let failOn = 1; failOn <= 5; failOn++) {
      const { store, registry } = setup();
      await expect(
        publishBootstrap(resultA, { models: crashingStore(store, failOn), registry, createdBy: "test" }),
      ).rejects.toBeInstanceOf(Crash);
      expect(registry.models.size).toBe(0);
      await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
      expect(await loadProductionModels({ models: store, registry, runtime })).not.toBeNull();
    }
  });

  it("keeps serving a complete set when an upgrade crashes between alias moves, and the rerun finishes it", async () => {
    const { store, registry } = setup();
    await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
    // Writes 1-5 register B's versions, 6 and 7 move two aliases, 8 crashes.
    await expect(
      publishBootstrap(resultB, { models: store, registry: crashingRegistry(registry, 8), createdBy: "test" }),
    ).rejects.toBeInstanceOf(Crash);
    await expectAliasesSound(registry, store);
    const logger = recordingLogger();
    const mixed = await loadProductionModels({ models: store, registry, runtime, logger });
    expect(mixed?.specialists.map((s) => s.version)).toEqual([2, 2, 1]);
    expect(logger.warnings).toEqual(["production models were trained on different histories"]);

    const rerun = await publishBootstrap(resultB, { models: store, registry, createdBy: "test" });
    expect(rerun.map((p) => [p.version, p.registered])).toEqual([
      [2, false],
      [2, false],
      [3, true],
      [3, true],
      [3, true],
    ]);
    const loaded = await loadProductionModels({ models: store, registry, runtime });
    expect(loaded?.regimeModel).toEqual(resultB.regimeModel);
  });

  it("refuses an artefact that is missing or differs from what the registry recorded", async () => {
    const { store, registry } = setup();
    const published = await publishBootstrap(resultA, { models: store, registry, createdBy: "test" });
    const bear = published.find((p) => p.modelName === "bear_specialist");
    if (!bear) throw new Error("no bear specialist");
    const versions = registry.models.get("bear_specialist")?.versions ?? [];
    versions[0] = { ...(versions[0] as RegisteredModelVersion), sha256: "0".repeat(64) };
    await expect(loadProductionModels({ models: store, registry, runtime })).rejects.toBeInstanceOf(
      ProductionModelsError,
    );
    versions[0] = { ...(versions[0] as RegisteredModelVersion), sha256: bear.sha256 };
    await store.delete(bear.artifactKey);
    await expect(loadProductionModels({ models: store, registry, runtime })).rejects.toThrow(/is missing/);
  });

  it("refuses specialists and a background that disagree on the features, closing what it loaded", async () => {
    const { store, registry } = setup();
    const reversed = [...resultA.background.featureNames].reverse();
    const mismatched = { ...resultA, background: { ...resultA.background, featureNames: reversed } };
    await publishBootstrap(mismatched, { models: store, registry, createdBy: "test" });
    const opened: LoadedModel[] = [];
    const closed: string[] = [];
    const tracking: ModelRuntime = {
      load: async (bytes, options) => {
        const model = await runtime.load(bytes, options);
        opened.push(model);
        return Object.assign(Object.create(model), {
          close: async () => {
            closed.push(model.name);
            await model.close();
          },
        });
      },
    };
    await expect(loadProductionModels({ models: store, registry, runtime: tracking })).rejects.toThrow(
      /SHAP background has/,
    );
    expect(closed).toEqual(opened.map((model) => model.name));
  });
});
