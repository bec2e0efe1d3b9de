// The orders subgraph's public face: how to start it, its configuration, schema and tables.
export { ORDERS_SERVICE_DIR, startOrdersSubgraph, type OrdersSubgraph } from "./app";
export { ordersEnvSchema, type OrdersConfig } from "./config";
export { schema as ordersTables } from "./db";
export { buildOrdersSchema } from "./schema";
