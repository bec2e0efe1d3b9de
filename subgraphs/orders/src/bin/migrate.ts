import { runMigrations } from "@cartograph/service-kit/db";
import { ORDERS_SERVICE_DIR } from "../app";
import { ordersEnvSchema } from "../config";

runMigrations("orders", ordersEnvSchema, ORDERS_SERVICE_DIR);
