import { badUserInput } from "@cartograph/service-kit";
import { pageCursor, readsDescending, type PageRequest } from "@cartograph/service-kit/graphql";
import { and, arrayOverlaps, eq, gte, inArray, lte, sql, type SQL } from "drizzle-orm";
import { categories, products } from "../db/schema";

/** A validated product filter, ready for SQL. */
export interface ListingFilter {
  /** Raw text for `websearch_to_tsquery`; null for no search. */
  search: string | null;
  /** Path of the category whose subtree to include, or null. */
  categoryPath: string | null;
  minPrice: number | null;
  maxPrice: number | null;
  brands: string[];
  tags: string[];
  includeInactive: boolean;
}

export type SortKey = "RELEVANCE" | "PRICE" | "NAME" | "CREATED_AT";
export interface ListingSort {
  key: SortKey;
  descending: boolean;
}

const searchQuery = (text: string) => sql`websearch_to_tsquery('english', ${text})`;

/** The WHERE clause of a filter: identical for the page, its total count and its facets. */
export function filterCondition(filter: ListingFilter): SQL | undefined {
  return and(
    filter.includeInactive ? undefined : eq(products.active, true),
    filter.search ? sql`${products.search} @@ ${searchQuery(filter.search)}` : undefined,
    filter.categoryPath
      ? inArray(
          products.categoryId,
          sql`(select ${categories.id} from ${categories} where ${categories.path} like ${escapeLike(filter.categoryPath) + "%"})`,
        )
      : undefined,
    // A product matches a price range when any of its variants' prices falls inside it.
    filter.minPrice !== null ? gte(products.maxPrice, filter.minPrice) : undefined,
    filter.maxPrice !== null ? lte(products.minPrice, filter.maxPrice) : undefined,
    filter.brands.length ? inArray(products.brand, filter.brands) : undefined,
    filter.tags.length ? arrayOverlaps(products.tags, filter.tags) : undefined,
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The value a sort orders by; RELEVANCE without a search sorts newest first. */
export function effectiveSort(sort: ListingSort, filter: ListingFilter): ListingSort {
  if (sort.key === "RELEVANCE" && !filter.search) return { key: "CREATED_AT", descending: true };
  return sort;
}

export function sortExpression(sort: ListingSort, filter: ListingFilter): SQL {
  switch (sort.key) {
    case "RELEVANCE":
      return sql`ts_rank_cd(${products.search}, ${searchQuery(filter.search ?? "")}, 32)::float8`;
    case "PRICE":
      return sql`${products.minPrice}`;
    case "NAME":
      return sql`lower(${products.name})`;
    case "CREATED_AT":
      return sql`${products.createdAt}`;
  }
}

/**
 * `ORDER BY key, id` in the page's reading direction (the sort's, reversed for `last`/`before`);
 * the id makes the order total, so pages never overlap.
 */
export function orderBy(sort: ListingSort, filter: ListingFilter, page: PageRequest): SQL[] {
  const direction = readsDescending(page, sort.descending) ? sql`desc` : sql`asc`;
  return [sql`${sortExpression(sort, filter)} ${direction}`, sql`${products.id} ${direction}`];
}

/** Rows strictly beyond the page's cursor in its reading direction; undefined without a cursor. */
export function beyondCursor(sort: ListingSort, filter: ListingFilter, page: PageRequest): SQL | undefined {
  const cursor = pageCursor(page);
  if (!cursor) return undefined;
  const argument = page.backward ? "before" : "after";
  const [value, id] = cursor;
  if (typeof id !== "string") throw badUserInput(`The \`${argument}\` cursor is malformed.`, argument);
  const typed = cursorValue(sort.key, value, argument);
  const comparison = readsDescending(page, sort.descending) ? sql`<` : sql`>`;
  return sql`(${sortExpression(sort, filter)}, ${products.id}) ${comparison} (${typed}, ${id})`;
}

function cursorValue(key: SortKey, value: string | number | undefined, argument: "after" | "before"): SQL {
  const malformed = () => badUserInput(`The \`${argument}\` cursor does not belong to this sort.`, argument);
  switch (key) {
    case "RELEVANCE":
      if (typeof value !== "number") throw malformed();
      return sql`${value}::float8`;
    case "PRICE":
      if (typeof value !== "number" || !Number.isInteger(value)) throw malformed();
      return sql`${value}::integer`;
    case "NAME":
      if (typeof value !== "string") throw malformed();
      return sql`${value}::text`;
    case "CREATED_AT":
      if (typeof value !== "string" || Number.isNaN(Date.parse(value))) throw malformed();
      return sql`${value}::timestamptz`;
  }
}
