// The reviews subgraph's public face: how to start it, its configuration and schema.
export { REVIEWS_SERVICE_DIR, startReviewsSubgraph, type ReviewsSubgraph } from "./app";
export { reviewsEnvSchema, type ReviewsConfig } from "./config";
export { buildReviewsSchema } from "./schema";
