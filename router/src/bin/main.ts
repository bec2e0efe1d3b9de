import { runService } from "@cartograph/service-kit";
import { routerEnvSchema } from "../config";
import { startRouter } from "../server";

runService("router", routerEnvSchema, (config, log) => startRouter({ config, log }));
