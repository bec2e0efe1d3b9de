import "reflect-metadata";
import { runService } from "@cartograph/service-kit";
import { startRecommendationsService } from "./app";
import { recommendationsEnvSchema } from "./config";

runService("recommendations", recommendationsEnvSchema, startRecommendationsService);
