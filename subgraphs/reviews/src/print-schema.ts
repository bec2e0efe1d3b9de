import "reflect-metadata";
import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit";
import { buildReviewsSchema } from "./schema";

printSchemaFile("reviews", path.resolve(__dirname, "../schema.graphql"), buildReviewsSchema);
