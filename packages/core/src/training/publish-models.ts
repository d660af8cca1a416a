import { z } from "zod";
import { featureNamesMetadataKey } from "../models/onnx-export";
import { type SpecialistName, specialistNames } from "../models/specialist";
import { type Logger, silentLogger } from "../ports/logger";
import type { LoadedModel, ModelRuntime } from "../ports/model-runtime";
import type { ModelStore } from "../ports/model-store";
import type { ModelRegistryRepository, RegisteredModelVersion } from "../ports/repositories";
import { type RegimeModel, regimeModelSchema } from "../regime/regime-detector";
import type { BootstrapResult } from "./bootstrap-models";
import { type ShapBackground, shapBackgroundSchema } from "./shap-background";
import { sha256Hex } from "./simulated-history";

/** Registry names of the non-specialist artefacts (the specialists use their own names). */
export const regimeDetectorModelName = "regime_detector";
export const shapBackgroundModelName = "shap_background";
export const productionAlias = "production";

/** Every model a working decision path needs, in the order they are published and loaded. */
export const productionModelNames = [...specialistNames, regimeDetectorModelName, shapBackgroundModelName] as const;

/**
 * Where an artefact lives in the model store: named by its content (the first 16 hex digits of
 * its SHA-256), not by a registry version, so storing it can come BEFORE registering it and a
 * rerun stores the same bytes under the same key (a no-op) instead of a second copy.
 */
export function artifactKey(modelName: string, sha256: string, file: string): string {
  return `models/${modelName}/${sha256.slice(0, 16)}/${file}`;
}

interface Artifact {
  readonly modelName: string;
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly description: string;
  readonly metrics: Record<string, unknown>;
}

export interface PublishOptions {
  readonly models: ModelStore;
  readonly registry: ModelRegistryRepository;
  readonly createdBy: string;
  readonly logger?: Logger;
}

export interface PublishedModel {
  readonly modelName: string;
  readonly version: number;
  readonly artifactKey: string;
  readonly sha256: string;
  /** False when the alias already pointed at a version with these exact bytes (a rerun). */
  readonly registered: boolean;
}

const encoder = new TextEncoder();

/** Plain JSON (no NaN, no undefined, no typed arrays), as the registry's metrics column stores it. */
function plain(value: unknown): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(JSON.parse(JSON.stringify(value)));
}

function artifactsOf(result: BootstrapResult): Artifact[] {
  const common = { dataHash: result.dataHash, settings: result.settings, summary: result.summary };
  return [
    ...result.specialists.map(
      (specialist): Artifact => ({
        modelName: specialist.name,
        file: "model.onnx",
        bytes: specialist.onnx,
        description: `${specialist.name}: MLP P(SELL, HOLD, BUY) trained at first start on simulated history`,
        metrics: plain({ ...specialist.metrics, featureNames: specialist.featureNames, ...common }),
      }),
    ),
    {
      modelName: regimeDetectorModelName,
      file: "regime-model.json",
      bytes: encoder.encode(JSON.stringify(result.regimeModel)),
      description: "3-state Gaussian HMM over [log_return_1, volatility_20], fitted by Baum-Welch at first start",
      metrics: plain({ modelVersion: result.regimeModel.modelVersion, fit: result.regimeModel.fit, ...common }),
    },
    {
      modelName: shapBackgroundModelName,
      file: "background.json",
      bytes: encoder.encode(JSON.stringify(result.background)),
      description: "Background sample for the decision explanations' SHAP values",
      metrics: plain({ rows: result.background.rows.length, featureNames: result.background.featureNames, ...common }),
    },
  ];
}

/**
 * Publishes a bootstrap's artefacts and points `production` at them, in this order:
 *
 * 1. Every artefact is stored under its content-addressed key (re-storing the same bytes is a no-op).
 * 2. Every model gets a registry version for its artefact, unless its production alias already
 *    points at a version with the same SHA-256 (then that version is reused).
 * 3. Only then are the production aliases moved, one model after the other.
 *
 * So an alias never points at a version whose artefact is missing, whatever step a crash
 * interrupts. A crash in step 1 or 2 leaves every alias where it was (at worst, registered versions
 * no alias points at); a crash in step 3 leaves some aliases moved and some not, every one at a
 * complete artefact. Rerunning with the same result (bootstrap is deterministic, so a rerun of the
 * whole first start produces it again) completes the move without registering duplicates of the
 * models already moved. `loadProductionModels` treats an incomplete set as no set.
 */
export async function publishBootstrap(result: BootstrapResult, options: PublishOptions): Promise<PublishedModel[]> {
  const { models, registry, createdBy, logger = silentLogger } = options;
  const artifacts = artifactsOf(result);

  const stored: { artifact: Artifact; key: string; sha256: string }[] = [];
  for (const artifact of artifacts) {
    const sha256 = await sha256Hex(artifact.bytes);
    const key = artifactKey(artifact.modelName, sha256, artifact.file);
    const info = await models.put(key, artifact.bytes, { model: artifact.modelName, data_hash: result.dataHash });
    if (info.sha256 !== sha256)
      throw new Error(`model store reports sha256 ${info.sha256} for ${key}, expected ${sha256}`);
    stored.push({ artifact, key, sha256 });
  }

  const versions: { entry: (typeof stored)[number]; version: RegisteredModelVersion; registered: boolean }[] = [];
  for (const entry of stored) {
    const { artifact, key, sha256 } = entry;
    const current = await registry.resolveAlias(artifact.modelName, productionAlias);
    if (current !== null && current.sha256 === sha256) {
      versions.push({ entry, version: current, registered: false });
      continue;
    }
    const version = await registry.registerVersion({
      modelName: artifact.modelName,
      description: artifact.description,
      artifactKey: key,
      sha256,
      metrics: artifact.metrics,
      dataHash: result.dataHash,
      createdBy,
    });
    versions.push({ entry, version, registered: true });
  }

  for (const { entry, version, registered } of versions) {
    if (!registered) continue;
    await registry.setAlias({
      modelName: entry.artifact.modelName,
      alias: productionAlias,
      version: version.version,
      updatedBy: createdBy,
    });
  }

  const published = versions.map(
    ({ entry, version, registered }): PublishedModel => ({
      modelName: entry.artifact.modelName,
      version: version.version,
      artifactKey: entry.key,
      sha256: entry.sha256,
      registered,
    }),
  );
  logger.info(
    { models: published.map((p) => `${p.modelName}@${p.version}`), dataHash: result.dataHash },
    published.some((p) => p.registered) ? "models published to production" : "production already had these models",
  );
  return published;
}

export interface ProductionSpecialist {
  readonly name: SpecialistName;
  readonly version: number;
  readonly model: LoadedModel;
  /** The model's inputs, in order (from the ONNX metadata). */
  readonly featureNames: readonly string[];
}

export interface ProductionModels {
  readonly specialists: readonly ProductionSpecialist[];
  readonly regimeModel: RegimeModel;
  readonly regimeModelVersion: number;
  readonly background: ShapBackground;
  readonly backgroundVersion: number;
}

/** The production models cannot be loaded: a missing or corrupt artefact, or models that do not fit together. */
export class ProductionModelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProductionModelsError";
  }
}

export interface LoadProductionOptions {
  readonly models: ModelStore;
  readonly registry: ModelRegistryRepository;
  readonly runtime: ModelRuntime;
  readonly logger?: Logger;
}

const featureNamesSchema = z.array(z.string().min(1)).min(1);

async function artifactBytes(models: ModelStore, version: RegisteredModelVersion): Promise<Uint8Array> {
  const label = `${version.modelName}@${version.version}`;
  const bytes = await models.get(version.artifactKey);
  if (bytes === null) throw new ProductionModelsError(`${label}: artefact ${version.artifactKey} is missing`);
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== version.sha256) {
    throw new ProductionModelsError(`${label}: artefact sha256 ${sha256}, the registry says ${version.sha256}`);
  }
  return bytes;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/**
 * The models the `production` aliases point at, loaded and checked to fit together (the
 * specialists and the background take the same features in the same order), or null when the set
 * is not complete: nothing registered yet (first start) or a first publish that did not finish.
 * Either way the caller trains and publishes, which also completes an interrupted publish.
 */
export async function loadProductionModels(options: LoadProductionOptions): Promise<ProductionModels | null> {
  const { models, registry, runtime, logger = silentLogger } = options;
  const resolved = await Promise.all(productionModelNames.map((name) => registry.resolveAlias(name, productionAlias)));
  const present = resolved.filter((version): version is RegisteredModelVersion => version !== null);
  if (present.length < productionModelNames.length) {
    if (present.length > 0) {
      logger.warn(
        { present: present.map((v) => `${v.modelName}@${v.version}`) },
        "production model set is incomplete: treating it as absent",
      );
    }
    return null;
  }
  const [bull, bear, sideways, regime, background] = present;
  if (!bull || !bear || !sideways || !regime || !background) return null;

  const dataHashes = new Set(present.map((version) => version.metrics.dataHash));
  if (dataHashes.size > 1) {
    logger.warn(
      { versions: present.map((v) => `${v.modelName}@${v.version}`) },
      "production models were trained on different histories",
    );
  }

  const backgroundModel = shapBackgroundSchema.parse(
    JSON.parse(new TextDecoder().decode(await artifactBytes(models, background))),
  );
  const regimeModel = regimeModelSchema.parse(
    JSON.parse(new TextDecoder().decode(await artifactBytes(models, regime))),
  );

  const loaded: LoadedModel[] = [];
  try {
    const specialists: ProductionSpecialist[] = [];
    for (const [i, name] of specialistNames.entries()) {
      const version = [bull, bear, sideways][i] as RegisteredModelVersion;
      const model = await runtime.load(await artifactBytes(models, version), { name: `${name}@${version.version}` });
      loaded.push(model);
      const metadata = model.metadata[featureNamesMetadataKey];
      const featureNames = featureNamesSchema.parse(metadata === undefined ? undefined : JSON.parse(metadata));
      if (featureNames.length !== model.inputWidth || model.outputWidth !== 3) {
        throw new ProductionModelsError(`${model.name}: ${model.inputWidth} inputs → ${model.outputWidth} outputs`);
      }
      if (!sameNames(featureNames, backgroundModel.featureNames)) {
        throw new ProductionModelsError(
          `${model.name} takes [${featureNames.join(", ")}], the SHAP background has [${backgroundModel.featureNames.join(", ")}]`,
        );
      }
      specialists.push({ name, version: version.version, model, featureNames });
    }
    return {
      specialists,
      regimeModel,
      regimeModelVersion: regime.version,
      background: backgroundModel,
      backgroundVersion: background.version,
    };
  } catch (error) {
    await Promise.all(loaded.map((model) => model.close()));
    throw error;
  }
}
