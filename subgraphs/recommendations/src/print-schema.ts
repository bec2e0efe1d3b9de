import "reflect-metadata";
import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit";
import { buildRecommendationsSchema } from "./schema";

printSchemaFile("recommendations", path.resolve(__dirname, "../schema.graphql"), buildRecommendationsSchema);
