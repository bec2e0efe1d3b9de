export { startReviewsService, REVIEWS_SERVICE_DIR, type ReviewsService } from "./app";
export { reviewsEnvSchema, type ReviewsConfig } from "./config";
export { buildReviewsSchema } from "./schema";
