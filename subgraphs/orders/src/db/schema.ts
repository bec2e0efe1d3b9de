import { createdAtColumn } from "@cartograph/service-kit/db";
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
export { outboxEvents, processedEvents } from "@cartograph/events/postgres";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Orders' own copy of the catalogue's variants, built from `variant.*` events: checkout prices from it. */
export const catalogueVariants = pgTable("catalogue_variants", {
  variantId: text("variant_id").primaryKey(),
  productId: text("product_id").notNull(),
  sku: text("sku").notNull(),
  title: text("title").notNull(),
  productName: text("product_name").notNull(),
  price: integer("price").notNull(),
  currencyCode: text("currency_code").notNull(),
  active: boolean("active").notNull(),
  /** occurredAt of the event this row reflects: an older event arriving late never overwrites it. */
  syncedAt: timestamptz("synced_at").notNull(),
});

/**
 * Units of each variant a checkout could reserve, copied from inventory's `stock.changed`: carts
 * and checkout refuse more than this at once. Inventory's reservation stays the final word (the
 * copy may be a moment behind); a variant absent here is not refused.
 */
export const catalogueStock = pgTable("catalogue_stock", {
  variantId: text("variant_id").primaryKey(),
  available: integer("available").notNull(),
  /** occurredAt of the announcement this row reflects: an older one arriving late never overwrites it. */
  syncedAt: timestamptz("synced_at").notNull(),
});

export const carts = pgTable(
  "carts",
  {
    id: text("id").primaryKey(),
    /** Null for a guest's cart, reached only by its unguessable id until it is merged at sign-in. */
    userId: text("user_id").unique(),
    couponCode: text("coupon_code"),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  // Idle guest carts are swept by age.
  (table) => [index("carts_idle_guest_idx").on(table.updatedAt).where(sql`${table.userId} is null`)],
);

export const cartLines = pgTable(
  "cart_lines",
  {
    id: text("id").primaryKey(),
    cartId: text("cart_id")
      .notNull()
      .references(() => carts.id, { onDelete: "cascade" }),
    variantId: text("variant_id").notNull(),
    quantity: integer("quantity").notNull(),
    createdAt: createdAtColumn(),
  },
  (table) => [uniqueIndex("cart_lines_variant_key").on(table.cartId, table.variantId)],
);

export const coupons = pgTable("coupons", {
  /** Upper-case; shoppers type codes in any case. */
  code: text("code").primaryKey(),
  percentOff: integer("percent_off"),
  amountOff: integer("amount_off"),
  minSubtotal: integer("min_subtotal"),
  expiresAt: timestamptz("expires_at"),
  maxRedemptions: integer("max_redemptions"),
  redemptions: integer("redemptions").notNull().default(0),
  createdAt: createdAtColumn(),
});

export const orderNumbers = pgSequence("order_number_seq", { startWith: 100001 });

export interface ShippingAddressRecord {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
}

export const orders = pgTable(
  "orders",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    userId: text("user_id").notNull(),
    status: text("status").notNull(),
    /** Why a CANCELLED order was cancelled, as an `OrderCancellationReason` code; null otherwise. */
    cancellationReason: text("cancellation_reason"),
    subtotal: integer("subtotal").notNull(),
    discount: integer("discount").notNull(),
    shipping: integer("shipping").notNull(),
    total: integer("total").notNull(),
    currencyCode: text("currency_code").notNull(),
    couponCode: text("coupon_code"),
    shippingAddress: jsonb("shipping_address").$type<ShippingAddressRecord>().notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    placedAt: createdAtColumn("placed_at"),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    // One order per user and key, whatever the concurrency.
    uniqueIndex("orders_idempotency_key").on(table.userId, table.idempotencyKey),
    index("orders_user_placed_idx").on(table.userId, table.placedAt, table.id),
    index("orders_status_placed_idx").on(table.status, table.placedAt, table.id),
    index("orders_placed_idx").on(table.placedAt, table.id),
  ],
);

export const orderLines = pgTable(
  "order_lines",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    variantId: text("variant_id").notNull(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: integer("unit_price").notNull(),
    lineTotal: integer("line_total").notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.position] })],
);

export const orderStatusChanges = pgTable(
  "order_status_changes",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    status: text("status").notNull(),
    reason: text("reason"),
    at: timestamptz("at").notNull().default(sql`date_trunc('milliseconds', now())`),
  },
  (table) => [index("order_status_changes_order_idx").on(table.orderId, table.at)],
);

export type CatalogueVariantRow = typeof catalogueVariants.$inferSelect;
export type CatalogueStockRow = typeof catalogueStock.$inferSelect;
export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
export type CouponRow = typeof coupons.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderStatusChangeRow = typeof orderStatusChanges.$inferSelect;
