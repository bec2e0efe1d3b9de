import type { RequestContext } from "@cartograph/service-kit/server";
import type { StockLoaders } from "./stock/stock.loaders";
import type { StockService } from "./stock/stock.service";

/** The domain services resolvers call, one per bounded context. */
export interface InventoryServiceRegistry {
  stock: StockService;
}

export interface InventoryContext extends RequestContext {
  services: InventoryServiceRegistry;
  loaders: StockLoaders;
}
