export { startRecommendationsService, type RecommendationsService } from "./app";
export { recommendationsEnvSchema, type RecommendationsConfig } from "./config";
export { buildRecommendationsSchema } from "./schema";
export * from "./copurchase/copurchase.model";
export { generateOrderHistory, type CatalogueProduct, type SyntheticHistoryOptions } from "./seed/synthetic-history";
export {
  RecommendationService,
  type ActiveProducts,
  type CoPurchaseReader,
} from "./recommendation/recommendation.service";
