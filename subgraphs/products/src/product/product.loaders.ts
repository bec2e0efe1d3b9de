import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { VariantRow } from "../db/schema";
import type { ProductRecord, ProductRepository } from "./product.repository";

export interface ProductLoaders {
  productById: DataLoader<string, ProductRecord | null>;
  variantById: DataLoader<string, VariantRow | null>;
  variantsByProductId: DataLoader<string, VariantRow[]>;
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createProductLoaders(products: ProductRepository): ProductLoaders {
  return {
    productById: new DataLoader(async (ids) => rowsByKey(ids, await products.findByIds(ids), (row) => row.id)),
    variantById: new DataLoader(async (ids) => rowsByKey(ids, await products.variantsByIds(ids), (row) => row.id)),
    variantsByProductId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await products.variantsOf(ids), (row) => row.productId),
    ),
  };
}
