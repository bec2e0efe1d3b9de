import "reflect-metadata";
import { parseConfig } from "@cartograph/service-kit";
import { startMongoSubgraphHarness, type MongoSubgraphHarness } from "@cartograph/testing";
import { startRecommendationsSubgraph, type RecommendationsSubgraph } from "../src/app";
import { recommendationsEnvSchema, type RecommendationsConfig } from "../src/config";

export type RecommendationsHarness = MongoSubgraphHarness<RecommendationsConfig, RecommendationsSubgraph>;

/** The recommendations subgraph in-process, over its own fresh MongoDB database, exchange and queues. */
export function startRecommendationsHarness(): Promise<RecommendationsHarness> {
  return startMongoSubgraphHarness({
    label: "recommendations",
    queuePurposes: ["catalogue", "purchases", "customer-data"],
    parseConfig: (values) => parseConfig(recommendationsEnvSchema, values),
    start: (config, log, dependencies) => startRecommendationsSubgraph(config, log, dependencies),
  });
}
