import { runMigrations } from "@cartograph/service-kit/db";
import { INVENTORY_SERVICE_DIR } from "../app";
import { inventoryEnvSchema } from "../config";

runMigrations("inventory", inventoryEnvSchema, INVENTORY_SERVICE_DIR);
