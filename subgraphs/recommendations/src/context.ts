import type { RequestContext } from "@cartograph/service-kit";
import type { RecommendationService } from "./recommendation/recommendation.service";

export interface RecommendationsServices {
  recommendations: RecommendationService;
}

export interface RecommendationsContext extends RequestContext {
  services: RecommendationsServices;
}
