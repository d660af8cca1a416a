export { createRepositories } from "./create-repositories";
export { forensicsActor, PrismaDecisionRepository } from "./decision-repository";
export { PrismaMarketDataRepository } from "./market-data-repository";
export { PrismaModelRegistryRepository } from "./model-registry-repository";
export { PrismaRegimeHistoryRepository } from "./regime-history-repository";
export { PrismaRejectedTickRepository } from "./rejected-tick-repository";
export { tradingDecisionEventSchema as storedTradingDecisionEvent } from "./trading-decision-event";
