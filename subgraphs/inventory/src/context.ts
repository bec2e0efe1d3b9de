import type { RequestContext } from "@cartograph/service-kit";
import type { StockLoaders } from "./stock/stock.loaders";
import type { StockService } from "./stock/stock.service";

export interface InventoryServices {
  stock: StockService;
}

export interface InventoryContext extends RequestContext {
  services: InventoryServices;
  loaders: StockLoaders;
}
