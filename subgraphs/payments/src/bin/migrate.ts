import { runMigrations } from "@cartograph/service-kit/db";
import { PAYMENTS_SERVICE_DIR } from "../app";
import { paymentsEnvSchema } from "../config";

runMigrations("payments", paymentsEnvSchema, PAYMENTS_SERVICE_DIR);
