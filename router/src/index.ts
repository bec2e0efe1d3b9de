export { routerEnvSchema, type RouterConfig } from "./config";
export { startRouter, type RunningRouter } from "./server";
