import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { ProductsServices } from "../context";
import type { CategoryRow, VariantRow } from "../db/schema";
import type { ProductRecord } from "./product.repository";

export interface CatalogLoaders {
  productById: DataLoader<string, ProductRecord | null>;
  variantById: DataLoader<string, VariantRow | null>;
  variantsByProductId: DataLoader<string, VariantRow[]>;
  categoryById: DataLoader<string, CategoryRow | null>;
  childrenByCategoryId: DataLoader<string, CategoryRow[]>;
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createCatalogLoaders({ products, categories }: ProductsServices): CatalogLoaders {
  return {
    productById: new DataLoader(async (ids) => rowsByKey(ids, await products.products.findByIds(ids), (row) => row.id)),
    variantById: new DataLoader(async (ids) =>
      rowsByKey(ids, await products.products.variantsByIds(ids), (row) => row.id),
    ),
    variantsByProductId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await products.products.variantsOf(ids), (row) => row.productId),
    ),
    categoryById: new DataLoader(async (ids) =>
      rowsByKey(ids, await categories.categories.findByIds(ids), (row) => row.id),
    ),
    childrenByCategoryId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await categories.categories.childrenOf(ids), (row) => row.parentId ?? ""),
    ),
  };
}
