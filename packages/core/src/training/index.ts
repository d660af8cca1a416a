export {
  type BootstrapInput,
  type BootstrapOptions,
  type BootstrapPhase,
  type BootstrappedSpecialist,
  type BootstrapResult,
  type BootstrapSettings,
  type BootstrapSpecialistMetrics,
  type BootstrapSummary,
  bootstrapModels,
  bootstrapOptionsSchema,
  defaultModelFeatureNames,
} from "./bootstrap-models";
export {
  artifactKey,
  type LoadProductionOptions,
  loadProductionModels,
  type ProductionModels,
  ProductionModelsError,
  type ProductionSpecialist,
  type PublishedModel,
  type PublishOptions,
  productionAlias,
  productionModelNames,
  publishBootstrap,
  regimeDetectorModelName,
  shapBackgroundModelName,
} from "./publish-models";
export { type ShapBackground, sampleShapBackground, shapBackgroundSchema } from "./shap-background";
export {
  type BarHistory,
  historyDataHash,
  type SimulateHistoryOptions,
  sha256Hex,
  simulateHistory,
} from "./simulated-history";
export {
  buildTrainingSet,
  computeHistoryFeatures,
  type HistoryFeatures,
  regimeSequences,
  type TrainingSet as HistoryTrainingSet,
  type TrainingSetOptions,
} from "./training-set";
