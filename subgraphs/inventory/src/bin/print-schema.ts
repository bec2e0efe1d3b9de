import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { INVENTORY_SERVICE_DIR } from "../app";
import { buildInventorySchema } from "../schema";

printSchemaFile("inventory", path.join(INVENTORY_SERVICE_DIR, "schema.graphql"), buildInventorySchema);
