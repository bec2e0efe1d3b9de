import { runMigrations } from "@cartograph/service-kit/db";
import { PRODUCTS_SERVICE_DIR } from "../app";
import { productsEnvSchema } from "../config";

runMigrations("products", productsEnvSchema, PRODUCTS_SERVICE_DIR);
