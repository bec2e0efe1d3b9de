export { routerEnvSchema, type RouterConfig } from "./config";
export { startRouter } from "./server";
