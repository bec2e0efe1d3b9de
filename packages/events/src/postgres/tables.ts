import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Transactional outbox: events written in the same transaction as the state change they
 * announce; the relay publishes them and stamps `published_at`. Each PostgreSQL service
 * re-exports this from its drizzle schema so its migrations create it.
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull(),
    aggregateId: text("aggregate_id").notNull(),
    envelope: jsonb("envelope").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date" }),
    publishAttempts: integer("publish_attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (table) => [index("outbox_events_unpublished_idx").on(table.occurredAt).where(sql`published_at is null`)],
);

/**
 * Idempotent consumer ("inbox"): the ids of events a consumer has applied, recorded in the
 * same transaction as the effect, so a redelivery is recognised and skipped.
 */
export const processedEvents = pgTable(
  "processed_events",
  {
    consumer: text("consumer").notNull(),
    eventId: uuid("event_id").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
);

export const eventTables = { outboxEvents, processedEvents };
