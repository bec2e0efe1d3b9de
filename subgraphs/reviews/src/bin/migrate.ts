import { runMongoMigrations } from "@cartograph/service-kit/mongo";
import { reviewsEnvSchema } from "../config";
import { ensureReviewsIndexes } from "../db";

runMongoMigrations("reviews", reviewsEnvSchema, ensureReviewsIndexes);
