import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startReviewsSubgraph } from "../app";
import { reviewsEnvSchema } from "../config";

runService("reviews", reviewsEnvSchema, startReviewsSubgraph);
