import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
export { outboxEvents, processedEvents } from "@cartograph/events/postgres";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * One row per variant inventory has heard of (built from the catalogue's variant events), with
 * its units. `available = on_hand - reserved`; the CHECKs make a negative one impossible
 * whatever the concurrency, so a bug fails loudly instead of overselling.
 */
export const stockLevels = pgTable(
  "stock_levels",
  {
    variantId: text("variant_id").primaryKey(),
    productId: text("product_id").notNull(),
    sku: text("sku").notNull(),
    /** False once the catalogue deactivates the variant: it cannot be reserved or shown in stock. */
    active: boolean("active").notNull().default(true),
    onHand: integer("on_hand").notNull().default(0),
    reserved: integer("reserved").notNull().default(0),
    /** `occurredAt` of the last catalogue event applied: a late, older event must not undo a newer one. */
    catalogueSyncedAt: timestamptz("catalogue_synced_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    check("stock_levels_on_hand_not_negative", sql`${table.onHand} >= 0`),
    check("stock_levels_reserved_not_negative", sql`${table.reserved} >= 0`),
    check("stock_levels_reserved_within_on_hand", sql`${table.reserved} <= ${table.onHand}`),
    index("stock_levels_product_id_idx").on(table.productId),
  ],
);

export const ADJUSTMENT_KINDS = ["set", "adjust", "seed"] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];

/** Audit trail of every manual change to on-hand stock: who, what, why. */
export const stockAdjustments = pgTable(
  "stock_adjustments",
  {
    id: text("id").primaryKey(),
    variantId: text("variant_id")
      .notNull()
      .references(() => stockLevels.variantId),
    kind: text("kind").$type<AdjustmentKind>().notNull(),
    delta: integer("delta").notNull(),
    onHandAfter: integer("on_hand_after").notNull(),
    reason: text("reason"),
    /** A user id, or `seed` for demo data. */
    actor: text("actor").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [
    check("stock_adjustments_kind_known", sql`${table.kind} in ('set', 'adjust', 'seed')`),
    index("stock_adjustments_variant_idx").on(table.variantId, table.createdAt),
  ],
);

export interface Shortage {
  variantId: string;
  requested: number;
  available: number;
}

/**
 * One row per order that asked for stock, with the answer it got. It makes reserving
 * idempotent per order (a rejection reserves nothing, so it could not be derived otherwise),
 * and it is the lock that serialises everything done to one order's reservation.
 */
export const orderReservations = pgTable(
  "order_reservations",
  {
    orderId: text("order_id").primaryKey(),
    outcome: text("outcome").$type<"RESERVED" | "REJECTED">().notNull(),
    shortages: jsonb("shortages").$type<Shortage[]>().notNull().default([]),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [check("order_reservations_outcome_known", sql`${table.outcome} in ('RESERVED', 'REJECTED')`)],
);

export const RESERVATION_STATUSES = ["HELD", "COMMITTED", "RELEASED", "RESTOCKED"] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Units of one variant held for one order: HELD, then COMMITTED (paid) or RELEASED; RESTOCKED after a refund. */
export const reservations = pgTable(
  "reservations",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orderReservations.orderId),
    variantId: text("variant_id")
      .notNull()
      .references(() => stockLevels.variantId),
    quantity: integer("quantity").notNull(),
    status: text("status").$type<ReservationStatus>().notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.variantId] }),
    check("reservations_quantity_positive", sql`${table.quantity} > 0`),
    check("reservations_status_known", sql`${table.status} in ('HELD', 'COMMITTED', 'RELEASED', 'RESTOCKED')`),
    // The sweeper's scan: only holds can expire, and there are few of them at any time.
    index("reservations_held_expiry_idx").on(table.expiresAt).where(sql`status = 'HELD'`),
  ],
);

export type StockRow = typeof stockLevels.$inferSelect;
export type StockAdjustmentRow = typeof stockAdjustments.$inferSelect;
export type ReservationRow = typeof reservations.$inferSelect;
