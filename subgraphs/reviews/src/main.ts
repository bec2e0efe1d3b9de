import "reflect-metadata";
import { runService } from "@cartograph/service-kit";
import { startReviewsService } from "./app";
import { reviewsEnvSchema } from "./config";

runService("reviews", reviewsEnvSchema, startReviewsService);
