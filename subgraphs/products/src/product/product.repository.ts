import type { PageRequest } from "@cartograph/service-kit/graphql";
import { and, asc, count, eq, getTableColumns, gt, inArray, sql } from "drizzle-orm";
import type { ProductsExecutor } from "../db";
import { categories, products, variants, type ProductRow, type VariantRow } from "../db/schema";
import {
  beyondCursor,
  effectiveSort,
  filterCondition,
  orderBy,
  sortExpression,
  type ListingFilter,
  type ListingSort,
} from "./product-listing";

// Every column but the search vector, which is large and only ever used inside SQL.
const { search: _search, ...productColumns } = getTableColumns(products);

export type ProductRecord = Omit<ProductRow, "search">;
export interface ListedProduct extends ProductRecord {
  /** The value this row was sorted by, for its cursor. */
  sortValue: string | number;
}

export interface FacetCount {
  value: string;
  label: string;
  count: number;
}

export class ProductRepository {
  constructor(private readonly db: ProductsExecutor) {}

  findByIds(ids: readonly string[]): Promise<ProductRecord[]> {
    return this.db
      .select(productColumns)
      .from(products)
      .where(inArray(products.id, [...ids]));
  }

  async findBySlug(slug: string): Promise<ProductRecord | undefined> {
    const [row] = await this.db.select(productColumns).from(products).where(eq(products.slug, slug));
    return row;
  }

  /** Up to `limit` products with ids after `afterId`, in id order (a walk over the whole catalogue). */
  pageById(tx: ProductsExecutor, afterId: string, limit: number): Promise<ProductRecord[]> {
    return tx
      .select(productColumns)
      .from(products)
      .where(gt(products.id, afterId))
      .orderBy(asc(products.id))
      .limit(limit);
  }

  async slugExists(tx: ProductsExecutor, slug: string): Promise<boolean> {
    const [row] = await tx.select({ id: products.id }).from(products).where(eq(products.slug, slug));
    return row !== undefined;
  }

  /** Which of these SKUs are taken already, compared case-insensitively. */
  async takenSkus(tx: ProductsExecutor, skus: string[]): Promise<Set<string>> {
    if (skus.length === 0) return new Set();
    const rows = await tx
      .select({ sku: variants.sku })
      .from(variants)
      .where(
        inArray(
          sql`lower(${variants.sku})`,
          skus.map((sku) => sku.toLowerCase()),
        ),
      );
    return new Set(rows.map((row) => row.sku.toLowerCase()));
  }

  async insertProduct(tx: ProductsExecutor, row: typeof products.$inferInsert): Promise<ProductRecord> {
    const [created] = await tx.insert(products).values(row).returning(productColumns);
    return created!;
  }

  async insertVariants(tx: ProductsExecutor, rows: Array<typeof variants.$inferInsert>): Promise<VariantRow[]> {
    return tx.insert(variants).values(rows).returning();
  }

  async updateProduct(
    tx: ProductsExecutor,
    id: string,
    changes: Partial<typeof products.$inferInsert>,
  ): Promise<ProductRecord | undefined> {
    const [row] = await tx
      .update(products)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(products.id, id))
      .returning(productColumns);
    return row;
  }

  async updateVariant(
    tx: ProductsExecutor,
    id: string,
    changes: Partial<Pick<typeof variants.$inferInsert, "title" | "price">>,
  ): Promise<VariantRow | undefined> {
    if (Object.keys(changes).length === 0) {
      const [row] = await tx.select().from(variants).where(eq(variants.id, id));
      return row;
    }
    const [row] = await tx.update(variants).set(changes).where(eq(variants.id, id)).returning();
    return row;
  }

  /** Recomputes the product's price range from its variants (after a variant's price changed). */
  async refreshPriceRange(tx: ProductsExecutor, productId: string): Promise<ProductRecord | undefined> {
    const [row] = await tx
      .update(products)
      .set({
        minPrice: sql`(select min(${variants.price}) from ${variants} where ${variants.productId} = ${productId})`,
        maxPrice: sql`(select max(${variants.price}) from ${variants} where ${variants.productId} = ${productId})`,
        updatedAt: new Date(),
      })
      .where(eq(products.id, productId))
      .returning(productColumns);
    return row;
  }

  variantsOf(productIds: readonly string[], tx: ProductsExecutor = this.db): Promise<VariantRow[]> {
    return tx
      .select()
      .from(variants)
      .where(inArray(variants.productId, [...productIds]))
      .orderBy(asc(variants.productId), asc(variants.position), asc(variants.id));
  }

  variantsByIds(ids: readonly string[]): Promise<VariantRow[]> {
    return this.db
      .select()
      .from(variants)
      .where(inArray(variants.id, [...ids]));
  }

  /** One page of the filtered, sorted list (limit + 1 rows: the extra says a next page exists). */
  async listPage(
    filter: ListingFilter,
    requestedSort: ListingSort,
    page: PageRequest,
  ): Promise<{ rows: ListedProduct[]; sort: ListingSort }> {
    const sort = effectiveSort(requestedSort, filter);
    const rows = await this.db
      .select({ ...productColumns, sortValue: sortExpression(sort, filter).mapWith(sortValueOf(sort)) })
      .from(products)
      .where(and(filterCondition(filter), beyondCursor(sort, filter, page)))
      .orderBy(...orderBy(sort, filter, page))
      .limit(page.limit + 1);
    return { rows, sort };
  }

  /**
   * Active products with a word of the name starting with each of `words` (already plain
   * letters and digits); names that start with the first word first, then shorter, then by name.
   */
  suggest(words: readonly string[], limit: number): Promise<ProductRecord[]> {
    const query = words.map((word) => `${word}:*`).join(" & ");
    return this.db
      .select(productColumns)
      .from(products)
      .where(
        and(eq(products.active, true), sql`to_tsvector('simple', ${products.name}) @@ to_tsquery('simple', ${query})`),
      )
      .orderBy(
        sql`starts_with(lower(${products.name}), ${words[0]}) desc`,
        sql`length(${products.name})`,
        sql`lower(${products.name})`,
        asc(products.id),
      )
      .limit(limit);
  }

  async countMatching(filter: ListingFilter): Promise<number> {
    const [row] = await this.db.select({ value: count() }).from(products).where(filterCondition(filter));
    return row?.value ?? 0;
  }

  /** brand, tag and category counts over the whole filtered set (not just one page). */
  async facetCounts(
    filter: ListingFilter,
    limit = 50,
  ): Promise<{ brand: FacetCount[]; tag: FacetCount[]; category: FacetCount[] }> {
    const where = filterCondition(filter);
    const [brand, tag, category] = await Promise.all([
      this.db
        .select({ value: sql<string>`${products.brand}`, label: sql<string>`${products.brand}`, count: count() })
        .from(products)
        .where(and(where, sql`${products.brand} is not null`))
        .groupBy(products.brand)
        .orderBy(sql`count(*) desc`, products.brand)
        .limit(limit),
      this.db
        .select({ value: sql<string>`tag`, label: sql<string>`tag`, count: sql<number>`count(*)::int` })
        .from(sql`${products} cross join lateral unnest(${products.tags}) as tag`)
        .where(where)
        .groupBy(sql`tag`)
        .orderBy(sql`count(*) desc`, sql`tag`)
        .limit(limit),
      this.db
        .select({ value: categories.id, label: categories.name, count: count() })
        .from(products)
        .innerJoin(categories, eq(categories.id, products.categoryId))
        .where(where)
        .groupBy(categories.id, categories.name)
        .orderBy(sql`count(*) desc`, categories.name)
        .limit(limit),
    ]);
    return { brand, tag, category };
  }
}

function sortValueOf(sort: ListingSort): (value: unknown) => string | number {
  switch (sort.key) {
    case "RELEVANCE":
    case "PRICE":
      return (value) => Number(value);
    case "NAME":
      return (value) => String(value);
    case "CREATED_AT":
      // timestamptz arrives as text here; keep millisecond ISO form for the cursor.
      return (value) => new Date(String(value)).toISOString();
  }
}
