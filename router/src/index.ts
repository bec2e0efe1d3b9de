export { routerEnvSchema, type RouterConfig } from "./config";
export { startRouter, type RunningRouter } from "./server";
export { AccessRules, supergraphForGateway, WITHHELD_MESSAGES } from "./authorization";
