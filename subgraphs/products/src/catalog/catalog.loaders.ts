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

function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): Array<V | null> {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

function groupedBy<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const groups = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createCatalogLoaders({ products, categories }: ProductsServices): CatalogLoaders {
  return {
    productById: new DataLoader(async (ids) => byKey(ids, await products.products.findByIds(ids), (row) => row.id)),
    variantById: new DataLoader(async (ids) => byKey(ids, await products.products.variantsByIds(ids), (row) => row.id)),
    variantsByProductId: new DataLoader(async (ids) => groupedBy(ids, await products.products.variantsOf(ids), (row) => row.productId)),
    categoryById: new DataLoader(async (ids) => byKey(ids, await categories.categories.findByIds(ids), (row) => row.id)),
    childrenByCategoryId: new DataLoader(async (ids) => groupedBy(ids, await categories.categories.childrenOf(ids), (row) => row.parentId ?? "")),
  };
}
