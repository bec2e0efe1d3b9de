import type { RequestContext } from "@cartograph/service-kit/server";
import type { RecommendationService } from "./recommendation/recommendation.service";

/** The domain services resolvers call, one per bounded context. */
export interface RecommendationsServiceRegistry {
  recommendations: RecommendationService;
}

export interface RecommendationsContext extends RequestContext {
  services: RecommendationsServiceRegistry;
}
