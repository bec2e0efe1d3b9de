import "reflect-metadata";
import { parseConfig } from "@cartograph/service-kit";
import { startMongoSubgraphHarness, type MongoSubgraphHarness } from "@cartograph/testing";
import { startRecommendationsService, type RecommendationsService } from "../src/app";
import { recommendationsEnvSchema, type RecommendationsConfig } from "../src/config";

export type RecommendationsHarness = MongoSubgraphHarness<RecommendationsConfig, RecommendationsService>;

/** The recommendations subgraph in-process, over its own fresh MongoDB database, exchange and queues. */
export function startRecommendationsHarness(): Promise<RecommendationsHarness> {
  return startMongoSubgraphHarness({
    label: "recommendations",
    queuePurposes: ["catalogue", "purchases"],
    parseConfig: (values) => parseConfig(recommendationsEnvSchema, values),
    start: (config, log, dependencies) => startRecommendationsService(config, log, dependencies),
  });
}
