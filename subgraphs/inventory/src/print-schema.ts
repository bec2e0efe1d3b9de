import "reflect-metadata";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { printSubgraphSdl } from "@cartograph/service-kit";
import { buildInventorySchema } from "./schema";

// `pnpm schema:print`: writes the checked-in SDL that composition reads.
buildInventorySchema().then((schema) => {
  writeFileSync(path.resolve(__dirname, "../schema.graphql"), printSubgraphSdl(schema));
});
