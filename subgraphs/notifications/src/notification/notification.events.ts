import { queueNames, startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { enqueueEvent, postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { NotificationsDb, NotificationsExecutor } from "../db";
import type { NotificationRow } from "../db/schema";
import { NOTIFYING_EVENTS, type NotifyingEvent } from "./notification.rules";

/** What the consumer hands each event to (DispatchService), named here so neither file imports the other's module. */
export interface NotificationDispatcher {
  dispatch(tx: NotificationsExecutor, event: NotifyingEvent): Promise<unknown>;
}

export const MESSAGES_PURPOSE = "messages";

/** `notifications.messages` (and its retry and dead-letter queues) for a queue owner. */
export const messagesQueues = (owner: string) => queueNames(owner, MESSAGES_PURPOSE);

/**
 * Every customer-facing event becomes its notifications and emails, once: the inbox marks the
 * event in the transaction that writes them. Default retries (about a minute): a failure here is
 * our own database's, and an outage does not spend attempts.
 */
export function startMessagesConsumer(options: {
  broker: Broker;
  db: NotificationsDb;
  log: Logger;
  queueOwner: string;
  dispatch: NotificationDispatcher;
}): Promise<Consumer> {
  const { dispatch, log } = options;
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log,
    service: options.queueOwner,
    purpose: MESSAGES_PURPOSE,
    eventTypes: NOTIFYING_EVENTS,
    handle: async (event, tx) => {
      const outcome = await dispatch.dispatch(tx, event);
      log.debug({ eventId: event.id, type: event.type, outcome }, outcome ? "notified" : "nothing to notify");
    },
  });
}

/** A new in-app notification, for the router's `notificationAdded` (written with the notification). */
export function announceNotificationAdded(
  tx: NotificationsExecutor,
  notification: Pick<NotificationRow, "id" | "userId" | "createdAt">,
) {
  return enqueueEvent(tx, {
    type: "notification.added",
    aggregateId: notification.userId,
    data: {
      notificationId: notification.id,
      userId: notification.userId,
      createdAt: notification.createdAt.toISOString(),
    },
  });
}
