import "../tracing";
import { runService } from "@cartograph/service-kit";
import { startUsersSubgraph } from "../app";
import { usersEnvSchema } from "../config";

runService("users", usersEnvSchema, startUsersSubgraph);
