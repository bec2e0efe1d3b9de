export { startOrdersService, ORDERS_SERVICE_DIR } from "./app";
export { ordersEnvSchema, type OrdersConfig } from "./config";
