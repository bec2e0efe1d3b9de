import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { ORDERS_SERVICE_DIR } from "../app";
import { buildOrdersSchema } from "../schema";

printSchemaFile("orders", path.join(ORDERS_SERVICE_DIR, "schema.graphql"), buildOrdersSchema);
