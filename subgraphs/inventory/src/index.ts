export { startInventoryService, INVENTORY_SERVICE_DIR, type InventoryService } from "./app";
export { inventoryEnvSchema, type InventoryConfig } from "./config";
export { buildInventorySchema } from "./schema";
export {
  ReservationService,
  type OrderLine,
  type ReservationOutcome,
  type Shortage,
} from "./reservation/reservation.service";
export { seedDemoStock, demoStockFor } from "./seed";
