import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { CategoryRow } from "../db/schema";
import type { CategoryRepository } from "./category.repository";

export interface CategoryLoaders {
  categoryById: DataLoader<string, CategoryRow | null>;
  childrenByCategoryId: DataLoader<string, CategoryRow[]>;
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createCategoryLoaders(categories: CategoryRepository): CategoryLoaders {
  return {
    categoryById: new DataLoader(async (ids) => rowsByKey(ids, await categories.findByIds(ids), (row) => row.id)),
    childrenByCategoryId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await categories.childrenOf(ids), (row) => row.parentId ?? ""),
    ),
  };
}
