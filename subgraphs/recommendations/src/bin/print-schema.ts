import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { RECOMMENDATIONS_SERVICE_DIR } from "../app";
import { buildRecommendationsSchema } from "../schema";

printSchemaFile(
  "recommendations",
  path.join(RECOMMENDATIONS_SERVICE_DIR, "schema.graphql"),
  buildRecommendationsSchema,
);
