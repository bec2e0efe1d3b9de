// The recommendations subgraph's public face: how to start it, its configuration and schema, and
// the model and service the offline evaluation (bench/recommendations-eval.ts) runs in memory.
export { RECOMMENDATIONS_SERVICE_DIR, startRecommendationsSubgraph, type RecommendationsSubgraph } from "./app";
export { recommendationsEnvSchema, type RecommendationsConfig } from "./config";
export * from "./copurchase/copurchase.model";
export {
  RecommendationService,
  type ActiveProducts,
  type CoPurchaseReader,
} from "./recommendation/recommendation.service";
export { buildRecommendationsSchema } from "./schema";
export { generateOrderHistory, type CatalogueProduct, type SyntheticHistoryOptions } from "./seed/synthetic-history";
