import { startConsumer, type Broker, type Consumer, type EventOf } from "@cartograph/events";
import { enqueueEvent, postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { UsersDb, UsersExecutor } from "../db";
import type { DataRequestRow } from "../db/schema";

// What users announces of customers' data requests. Each is written to the outbox in the
// transaction that made it true.

/** The customer asked for their data: every service sends its part. */
export function announceDataRequested(tx: UsersExecutor, request: DataRequestRow) {
  return enqueueEvent(tx, {
    type: "user.data_requested",
    aggregateId: request.userId,
    data: { requestId: request.id, userId: request.userId, requestedAt: request.requestedAt.toISOString() },
  });
}

/** The account is gone: every service erases what it holds. The router refuses its tokens. */
export function announceAccountDeleted(tx: UsersExecutor, request: DataRequestRow) {
  return enqueueEvent(tx, {
    type: "user.deleted",
    aggregateId: request.userId,
    data: { requestId: request.id, userId: request.userId, deletedAt: request.requestedAt.toISOString() },
  });
}

/** Every part arrived: notifications tells the customer where to download it. */
export function announceExportReady(tx: UsersExecutor, request: DataRequestRow & { expiresAt: Date }) {
  return enqueueEvent(tx, {
    type: "user.data_export_ready",
    aggregateId: request.userId,
    data: { requestId: request.id, userId: request.userId, expiresAt: request.expiresAt.toISOString() },
  });
}

export const REPLY_EVENTS = ["user.data_exported", "user.erased"] as const;
export type DataRequestReplyEvent = EventOf<(typeof REPLY_EVENTS)[number]>;

/**
 * The services' answers, on `users.customer-data-replies`: each recorded once (the inbox, and the
 * reply's primary key), in the transaction that may complete its request.
 */
export function startReplyConsumer(options: {
  broker: Broker;
  db: UsersDb;
  log: Logger;
  queueOwner: string;
  record: (tx: UsersExecutor, reply: DataRequestReplyEvent) => Promise<void>;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "customer-data-replies",
    eventTypes: REPLY_EVENTS,
    handle: (event, tx) => options.record(tx, event),
  });
}
