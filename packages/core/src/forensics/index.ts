export {
  DecisionExplainer,
  type DecisionExplainerOptions,
  type ExplainableSpecialist,
  type ExplainDecisionInput,
  type ExplanationBackground,
  explainDecision,
  ScoreMismatchError,
  UnexplainableDecisionError,
} from "./explain-decision";
export {
  formatPercent,
  formatSigned,
  regimeReasoningText,
  type StrategySelectionFacts,
  strategySelectionText,
  topShapValues,
} from "./explanation-text";
