import { runMigrations } from "@cartograph/service-kit/db";
import { USERS_SERVICE_DIR } from "../app";
import { usersEnvSchema } from "../config";

runMigrations("users", usersEnvSchema, USERS_SERVICE_DIR);
