import type { RequestContext } from "@cartograph/service-kit";
import type { ReviewLoaders } from "./review/review.loaders";
import type { ReviewService } from "./review/review.service";

export interface ReviewsServices {
  reviews: ReviewService;
}

export interface ReviewsContext extends RequestContext {
  services: ReviewsServices;
  loaders: ReviewLoaders;
}
