import { runMongoMigrations } from "@cartograph/service-kit/mongo";
import { recommendationsEnvSchema } from "../config";
import { ensureRecommendationsIndexes } from "../db";

runMongoMigrations("recommendations", recommendationsEnvSchema, ensureRecommendationsIndexes);
