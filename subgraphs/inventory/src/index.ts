// The inventory subgraph's public face: how to start it, its configuration, schema and tables, the
// saga's reservation primitives, and its demo seed.
export { INVENTORY_SERVICE_DIR, startInventorySubgraph, type InventorySubgraph } from "./app";
export { inventoryEnvSchema, type InventoryConfig } from "./config";
export { schema as inventoryTables } from "./db";
export {
  ReservationService,
  type OrderLine,
  type ReservationOutcome,
  type Shortage,
} from "./reservation/reservation.service";
export { buildInventorySchema } from "./schema";
export { demoStockFor, seedDemoStock } from "./seed/stock";
