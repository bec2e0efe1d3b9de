import path from "node:path";
import { printSchemaFile } from "@cartograph/service-kit/graphql";
import { PRODUCTS_SERVICE_DIR } from "../app";
import { buildProductsSchema } from "../schema";

printSchemaFile("products", path.join(PRODUCTS_SERVICE_DIR, "schema.graphql"), buildProductsSchema);
