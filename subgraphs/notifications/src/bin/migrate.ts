import { runMigrations } from "@cartograph/service-kit/db";
import { NOTIFICATIONS_SERVICE_DIR } from "../app";
import { notificationsEnvSchema } from "../config";

runMigrations("notifications", notificationsEnvSchema, NOTIFICATIONS_SERVICE_DIR);
