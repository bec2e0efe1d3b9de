import "reflect-metadata";
import { runService } from "@cartograph/service-kit";
import { startUsersService } from "./app";
import { usersEnvSchema } from "./config";

runService("users", usersEnvSchema, startUsersService);
