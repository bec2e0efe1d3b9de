import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startRecommendationsSubgraph } from "../app";
import { recommendationsEnvSchema } from "../config";

runService("recommendations", recommendationsEnvSchema, startRecommendationsSubgraph);
