import { rowsByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { InventoryServices } from "../context";
import type { StockRow } from "../db/schema";

export interface StockLoaders {
  /** Null for a variant inventory has never heard of. */
  stockByVariantId: DataLoader<string, StockRow | null>;
  /** False for a product inventory has never heard of. */
  productInStock: DataLoader<string, boolean>;
}

/** Per request: one query per entity type however many references a plan sends. */
export function createStockLoaders(services: InventoryServices): StockLoaders {
  return {
    stockByVariantId: new DataLoader(async (variantIds) =>
      rowsByKey(variantIds, await services.stock.findByVariantIds(variantIds), (row) => row.variantId),
    ),
    productInStock: new DataLoader(async (productIds) => {
      const inStock = await services.stock.productsInStock(productIds);
      return productIds.map((id) => inStock.get(id) ?? false);
    }),
  };
}
