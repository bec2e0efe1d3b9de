import { createdAtColumn } from "@cartograph/service-kit/db";
import { sql } from "drizzle-orm";
import { boolean, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
export { outboxEvents, processedEvents } from "@cartograph/events/postgres";

const tsvector = customType<{ data: string }>({
  dataType: () => "tsvector",
});

export const categories = pgTable(
  "categories",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    parentId: text("parent_id"),
    /** Ids from the root down to this category, `/`-separated: descendants share its prefix. */
    path: text("path").notNull(),
    createdAt: createdAtColumn(),
  },
  (table) => [
    uniqueIndex("categories_slug_key").on(table.slug),
    index("categories_parent_idx").on(table.parentId),
    index("categories_path_idx").on(sql`${table.path} text_pattern_ops`),
  ],
);

export interface ProductImageRecord {
  url: string;
  alt: string | null;
}

export const products = pgTable(
  "products",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    brand: text("brand"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    categoryId: text("category_id").references(() => categories.id),
    images: jsonb("images").$type<ProductImageRecord[]>().notNull().default(sql`'[]'::jsonb`),
    active: boolean("active").notNull().default(true),
    /** Cheapest and dearest variant, kept in step with the variants for price filters and sorts. */
    minPrice: integer("min_price").notNull(),
    maxPrice: integer("max_price").notNull(),
    createdAt: createdAtColumn(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Names weigh most, then the brand, then the description; English stemming ("chairs" -> "chair"). */
    search: tsvector("search").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(name, '')), 'A') || setweight(to_tsvector('english', coalesce(brand, '')), 'B') || setweight(to_tsvector('english', coalesce(description, '')), 'C')`,
    ),
  },
  (table) => [
    uniqueIndex("products_slug_key").on(table.slug),
    index("products_search_idx").using("gin", table.search),
    index("products_tags_idx").using("gin", table.tags),
    index("products_category_idx").on(table.categoryId),
    index("products_brand_idx").on(table.brand),
    index("products_created_idx").on(table.createdAt, table.id),
    index("products_price_idx").on(table.minPrice, table.id),
    index("products_name_idx").on(sql`lower(${table.name})`, table.id),
    // Search-as-you-type: every word of the name, unstemmed, so "cha" finds "Oak Chair".
    index("products_name_words_idx").using("gin", sql`to_tsvector('simple', ${table.name})`),
  ],
);

export interface SelectedOptionRecord {
  name: string;
  value: string;
}

export const variants = pgTable(
  "variants",
  {
    id: text("id").primaryKey(),
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    sku: text("sku").notNull(),
    title: text("title").notNull(),
    /** Integer minor units of `currency_code`. */
    price: integer("price").notNull(),
    currencyCode: text("currency_code").notNull(),
    options: jsonb("options").$type<SelectedOptionRecord[]>().notNull().default(sql`'[]'::jsonb`),
    position: integer("position").notNull().default(0),
    createdAt: createdAtColumn(),
  },
  (table) => [
    uniqueIndex("variants_sku_key").on(sql`lower(${table.sku})`),
    index("variants_product_idx").on(table.productId, table.position),
  ],
);

export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
