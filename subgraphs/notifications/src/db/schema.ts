import { createdAtColumn } from "@cartograph/service-kit/db";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
export { outboxEvents, processedEvents } from "@cartograph/events/postgres";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
// Order totals are quantity x price sums: int8, as in orders and payments (still exact in a JS number).
const minorUnits = (name: string) => bigint(name, { mode: "number" });

/** What a customer can switch on or off; each kind per channel. */
export const NOTIFICATION_KINDS = ["ORDER_UPDATES", "WISHLIST_ALERTS", "MARKETING"] as const;
export type NotificationKindValue = (typeof NOTIFICATION_KINDS)[number];
export const NOTIFICATION_CHANNELS = ["EMAIL", "IN_APP"] as const;
export type NotificationChannelValue = (typeof NOTIFICATION_CHANNELS)[number];

/** What a notification is about; each topic belongs to one kind, or to none (account messages always go). */
export const NOTIFICATION_TOPICS = [
  "WELCOME",
  "ORDER_PLACED",
  "ORDER_PAID",
  "ORDER_SHIPPED",
  "ORDER_CANCELLED",
  "ORDER_REFUNDED",
  "PRICE_DROP",
  "BACK_IN_STOCK",
  "DATA_EXPORT_READY",
] as const;
export type NotificationTopicValue = (typeof NOTIFICATION_TOPICS)[number];

export const EMAIL_STATUSES = ["PENDING", "SENT", "FAILED"] as const;
export type EmailStatusValue = (typeof EMAIL_STATUSES)[number];

const TOPICS_SQL = sql.raw(NOTIFICATION_TOPICS.map((topic) => `'${topic}'`).join(", "));

/** A line as the order's events announced it; prices in minor units of the order's currency. */
export interface OrderLineRecord {
  variantId: string;
  productId: string;
  quantity: number;
  unitPrice: number;
}

/**
 * Names of what can be bought, from `variant.*` events, so an email can say "Mug - Blue" where the
 * order's events say only a variant id. `pnpm --filter @cartograph/products republish` fills it.
 */
export const catalogueVariants = pgTable("catalogue_variants", {
  variantId: text("variant_id").primaryKey(),
  productId: text("product_id").notNull(),
  sku: text("sku").notNull(),
  title: text("title").notNull(),
  productName: text("product_name").notNull(),
  /** The last price announced, to tell a price drop; null on rows copied before prices were kept. */
  priceAmount: minorUnits("price_amount"),
  currencyCode: text("currency_code"),
  /** False once the product is deleted: it cannot be wishlisted, and its price changes alert nobody. */
  active: boolean("active").notNull().default(true),
  /** occurredAt of the event this row reflects: an older event arriving late never overwrites it. */
  syncedAt: timestamptz("synced_at").notNull(),
});

/**
 * Whether each variant could be bought, from `stock.changed` (inventory's announcements), so
 * "back in stock" is the move from none to some. Apart from `catalogue_variants`: stock can be
 * announced before the variant's own snapshot arrives.
 */
export const catalogueStock = pgTable("catalogue_stock", {
  variantId: text("variant_id").primaryKey(),
  productId: text("product_id").notNull(),
  inStock: boolean("in_stock").notNull(),
  /** occurredAt of the event this row reflects, as above. */
  syncedAt: timestamptz("synced_at").notNull(),
});

/** Who to write to: the address and name `user.registered` announced (never read from users' database). */
export const recipients = pgTable("recipients", {
  userId: text("user_id").primaryKey(),
  email: text("email").notNull(),
  name: text("name").notNull(),
  createdAt: createdAtColumn(),
});

/**
 * What `order.placed` said of an order, kept so that later events (cancelled, refunded, shipped),
 * which carry only the order's id, can still show its lines and total.
 */
export const orderCopies = pgTable("order_copies", {
  orderId: text("order_id").primaryKey(),
  userId: text("user_id").notNull(),
  lines: jsonb("lines").$type<OrderLineRecord[]>().notNull(),
  total: minorUnits("total").notNull(),
  currencyCode: text("currency_code").notNull(),
  placedAt: timestamptz("placed_at").notNull(),
});

/**
 * What each customer has bought, from `order.paid` (a placed order may still be cancelled unpaid):
 * wishlist alerts skip a product bought since it was wishlisted.
 */
export const purchases = pgTable(
  "purchases",
  {
    orderId: text("order_id").notNull(),
    productId: text("product_id").notNull(),
    userId: text("user_id").notNull(),
    paidAt: timestamptz("paid_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orderId, table.productId] }),
    index("purchases_user_product_idx").on(table.userId, table.productId),
  ],
);

/**
 * What each customer wants to hear about: a variant, or a whole product (`variant_id` null).
 * Once per user and (product, variant); NULLS NOT DISTINCT makes that hold for whole products too.
 */
export const wishlistItems = pgTable(
  "wishlist_items",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    productId: text("product_id").notNull(),
    variantId: text("variant_id"),
    addedAt: createdAtColumn("added_at"),
  },
  (table) => [
    unique("wishlist_items_user_item_key").on(table.userId, table.productId, table.variantId).nullsNotDistinct(),
    index("wishlist_items_user_idx").on(table.userId, table.addedAt.desc(), table.id.desc()),
    // Alerts fan out from a variant, or from its product for whole-product items.
    index("wishlist_items_variant_idx").on(table.variantId),
    index("wishlist_items_product_idx").on(table.productId).where(sql`variant_id is null`),
  ],
);

/** In-app notifications, newest first per user; keyset on (created_at, id). */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    topic: text("topic").$type<NotificationTopicValue>().notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    orderId: text("order_id"),
    /** The event it came from: one notification per event, topic and user, whatever the inbox says. */
    eventId: uuid("event_id").notNull(),
    createdAt: createdAtColumn(),
    readAt: timestamptz("read_at"),
  },
  (table) => [
    index("notifications_user_idx").on(table.userId, table.createdAt.desc(), table.id.desc()),
    // Unread counts and `unreadOnly` pages read only this.
    index("notifications_unread_idx")
      .on(table.userId, table.createdAt.desc(), table.id.desc())
      .where(sql`read_at is null`),
    // With the user: one event (a price drop) can notify many customers, each once.
    uniqueIndex("notifications_event_topic_user_key").on(table.eventId, table.topic, table.userId),
    check("notifications_topic_known", sql`${table.topic} in (${TOPICS_SQL})`),
  ],
);

/** A customer's choices; a missing row means the kind's default (`preference.rules.ts`). */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: text("user_id").notNull(),
    kind: text("kind").$type<NotificationKindValue>().notNull(),
    channel: text("channel").$type<NotificationChannelValue>().notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.kind, table.channel] }),
    check(
      "notification_preferences_kind_known",
      sql`${table.kind} in ('ORDER_UPDATES', 'WISHLIST_ALERTS', 'MARKETING')`,
    ),
    check("notification_preferences_channel_known", sql`${table.channel} in ('EMAIL', 'IN_APP')`),
  ],
);

/**
 * The email outbox: written in the consumer's transaction (so an event yields its email exactly
 * once), sent later by the sender loop, retried with back-off, and FAILED after the last attempt.
 * The address is looked up at send time: `user.registered` may arrive after an order's events.
 */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    topic: text("topic").$type<NotificationTopicValue>().notNull(),
    eventId: uuid("event_id").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    /** The unsubscribe link, sent as `List-Unsubscribe`; null for account messages. */
    unsubscribeUrl: text("unsubscribe_url"),
    status: text("status").$type<EmailStatusValue>().notNull().default("PENDING"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamptz("next_attempt_at").notNull().defaultNow(),
    lastError: text("last_error"),
    /** The address it went to, once sent. */
    sentTo: text("sent_to"),
    sentAt: timestamptz("sent_at"),
    createdAt: createdAtColumn(),
  },
  (table) => [
    uniqueIndex("email_deliveries_event_topic_user_key").on(table.eventId, table.topic, table.userId),
    index("email_deliveries_due_idx").on(table.nextAttemptAt).where(sql`status = 'PENDING'`),
    check("email_deliveries_topic_known", sql`${table.topic} in (${TOPICS_SQL})`),
    check("email_deliveries_status_known", sql`${table.status} in ('PENDING', 'SENT', 'FAILED')`),
  ],
);

/**
 * Customers who deleted their account: everything else of theirs is gone, and events about them
 * that arrive later (a refund of an old order, a stock alert) produce nothing.
 */
export const erasedCustomers = pgTable("erased_customers", {
  userId: text("user_id").primaryKey(),
  erasedAt: timestamptz("erased_at").notNull().defaultNow(),
});

export type CatalogueVariantRow = typeof catalogueVariants.$inferSelect;
export type CatalogueStockRow = typeof catalogueStock.$inferSelect;
export type WishlistItemRow = typeof wishlistItems.$inferSelect;
export type RecipientRow = typeof recipients.$inferSelect;
export type OrderCopyRow = typeof orderCopies.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationPreferenceRow = typeof notificationPreferences.$inferSelect;
export type EmailDeliveryRow = typeof emailDeliveries.$inferSelect;
