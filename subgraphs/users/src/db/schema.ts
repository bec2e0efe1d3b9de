import { createdAtColumn } from "@cartograph/service-kit/db";
import { sql } from "drizzle-orm";
import { boolean, check, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
export { outboxEvents, processedEvents } from "@cartograph/events/postgres";

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    roles: text("roles").array().notNull().default(sql`'{CUSTOMER}'::text[]`),
    createdAt: createdAtColumn(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Set when the customer deleted the account: the row stays, anonymised, for the ids orders keep. */
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    // Emails are unique whatever their case: "Ann@x.com" and "ann@x.com" are one account.
    uniqueIndex("users_email_lower_key").on(sql`lower(${table.email})`),
    index("users_created_at_id_idx").on(table.createdAt, table.id),
  ],
);

export const addresses = pgTable(
  "addresses",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    line1: text("line1").notNull(),
    line2: text("line2"),
    city: text("city").notNull(),
    postalCode: text("postal_code").notNull(),
    country: text("country").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: createdAtColumn(),
  },
  (table) => [
    index("addresses_user_id_idx").on(table.userId, table.createdAt),
    // At most one default address per user, guaranteed by the database.
    uniqueIndex("addresses_one_default_per_user").on(table.userId).where(sql`is_default`),
  ],
);

/**
 * Refresh tokens are opaque; only their SHA-256 is stored. Tokens rotated from one login form a
 * family: presenting a rotated (already used) token revokes the whole family.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    familyId: text("family_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true, mode: "date" }),
    /**
     * The session issued when this token was used, encrypted with a key only this token's holder
     * can derive: a second tab refreshing with it within the grace window gets the same pair.
     */
    successor: text("successor"),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAtColumn(),
  },
  (table) => [index("refresh_tokens_family_idx").on(table.familyId)],
);

export type UserRow = typeof users.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/** Failed sign-ins per email (lower-cased), for throttling password guessing; cleared on success. */
export const loginFailures = pgTable(
  "login_failures",
  {
    email: text("email").notNull(),
    failedAt: timestamp("failed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [index("login_failures_email_idx").on(table.email, table.failedAt)],
);

export type DataRequestKindValue = "EXPORT" | "ERASURE";
export type DataRequestStatusValue = "PENDING" | "READY" | "EXPIRED" | "COMPLETED";

/**
 * A customer's data request (an export, or the erasure that deleting the account starts), kept as
 * the audit trail admins read. Its user id is the account's random id, which names nobody once the
 * account is anonymised.
 */
export const dataRequests = pgTable(
  "data_requests",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    kind: text("kind").$type<DataRequestKindValue>().notNull(),
    status: text("status").$type<DataRequestStatusValue>().notNull().default("PENDING"),
    requestedAt: createdAtColumn("requested_at"),
    /** When the last service answered. */
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    /** An export's download is kept until then. */
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    index("data_requests_user_idx").on(table.userId, table.requestedAt),
    index("data_requests_requested_idx").on(table.requestedAt, table.id),
    check("data_requests_kind_known", sql`${table.kind} in ('EXPORT', 'ERASURE')`),
    check("data_requests_status_known", sql`${table.status} in ('PENDING', 'READY', 'EXPIRED', 'COMPLETED')`),
  ],
);

/** Each service's answer to a request: its part of an export, or what it erased (counts). */
export const dataRequestReplies = pgTable(
  "data_request_replies",
  {
    requestId: text("request_id")
      .notNull()
      .references(() => dataRequests.id),
    service: text("service").notNull(),
    /** The service's part of an export; removed when the export expires. */
    data: jsonb("data").$type<Record<string, unknown>>(),
    /** What an erasure removed or anonymised, as counts per kind: the audit record. */
    summary: jsonb("summary").$type<Record<string, number>>(),
    receivedAt: createdAtColumn("received_at"),
  },
  (table) => [primaryKey({ columns: [table.requestId, table.service] })],
);

export type DataRequestRow = typeof dataRequests.$inferSelect;
export type DataRequestReplyRow = typeof dataRequestReplies.$inferSelect;
