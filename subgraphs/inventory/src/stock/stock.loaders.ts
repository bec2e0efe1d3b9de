import { rowsByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { StockRow } from "../db/schema";
import type { StockRepository } from "./stock.repository";

export interface StockLoaders {
  /** Null for a variant inventory has never heard of. */
  stockByVariantId: DataLoader<string, StockRow | null>;
  /** False for a product inventory has never heard of. */
  productInStock: DataLoader<string, boolean>;
}

/** Per request: one query per entity type however many references a plan sends. */
export function createStockLoaders(levels: StockRepository): StockLoaders {
  return {
    stockByVariantId: new DataLoader(async (variantIds) =>
      rowsByKey(variantIds, await levels.findByVariantIds(variantIds), (row) => row.variantId),
    ),
    productInStock: new DataLoader(async (productIds) => {
      const rows = rowsByKey(productIds, await levels.productsInStock(productIds), (row) => row.productId);
      return rows.map((row) => row?.inStock ?? false);
    }),
  };
}
