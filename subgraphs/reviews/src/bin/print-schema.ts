import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { REVIEWS_SERVICE_DIR } from "../app";
import { buildReviewsSchema } from "../schema";

printSchemaFile("reviews", path.join(REVIEWS_SERVICE_DIR, "schema.graphql"), buildReviewsSchema);
