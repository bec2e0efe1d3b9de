import "reflect-metadata";
import { parseConfig } from "@cartograph/service-kit";
import { startMongoSubgraphHarness, type MongoSubgraphHarness } from "@cartograph/testing";
import { startReviewsSubgraph, type ReviewsSubgraph } from "../src/app";
import { reviewsEnvSchema, type ReviewsConfig } from "../src/config";

export type ReviewsHarness = MongoSubgraphHarness<ReviewsConfig, ReviewsSubgraph>;

/** The reviews subgraph in-process, over its own fresh MongoDB database, exchange and queues. */
export function startReviewsHarness(): Promise<ReviewsHarness> {
  return startMongoSubgraphHarness({
    label: "reviews",
    queuePurposes: ["catalogue", "purchases", "customer-data"],
    parseConfig: (values) => parseConfig(reviewsEnvSchema, values),
    start: (config, log, dependencies) => startReviewsSubgraph(config, log, dependencies),
  });
}
