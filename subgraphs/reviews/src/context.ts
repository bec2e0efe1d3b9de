import type { RequestContext } from "@cartograph/service-kit/server";
import type { ReviewLoaders } from "./review/review.loaders";
import type { ReviewService } from "./review/review.service";

/** The domain services resolvers call, one per bounded context. */
export interface ReviewsServiceRegistry {
  reviews: ReviewService;
}

export interface ReviewsContext extends RequestContext {
  services: ReviewsServiceRegistry;
  loaders: ReviewLoaders;
}
