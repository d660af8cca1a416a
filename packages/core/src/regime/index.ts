export {
  type BaumWelchStepOptions,
  baumWelchStep,
  type CompiledGaussianHmm,
  compileGaussianHmm,
  DEFAULT_COVARIANCE_FLOOR,
  emissionLogDensity,
  type ForwardResult,
  type GaussianHmmParams,
  gaussianHmmParamsProblem,
  gaussianHmmParamsSchema,
  type HmmObservation,
  type HmmObservationSequence,
  hmmForward,
  type SmoothingResult,
  smoothOffline,
} from "./gaussian-hmm";
export {
  fitGaussianHmm,
  type GaussianHmmFit,
  type GaussianHmmFitOptions,
  type GaussianHmmStart,
  type GaussianHmmStartKind,
  gaussianHmmFitOptionsSchema,
} from "./gaussian-hmm-fit";
export { entropyNats, type FilterUpdate, RegimeFilter, type RegimeFilterOptions } from "./hmm-forward";
export { stationaryDistribution } from "./markov-chain";
export {
  RegimeDetector,
  type RegimeDetectorFitOptions,
  type RegimeDetectorOptions,
  type RegimeEstimate,
  type RegimeModel,
  type RegimeObservation,
  regimeEstimateSchema,
  regimeModelSchema,
} from "./regime-detector";
export {
  labelStatesByMeanReturn,
  type RegimeLabel,
  type RegimeProbabilities,
  type RegimeStateLabels,
  regimeLabels,
  regimeStateLabelsSchema,
  toRegimeProbabilities,
} from "./regime-labels";
