import { queueNames, startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { NotificationsDb } from "../db";
import type { DispatchService } from "./dispatch.service";
import { NOTIFYING_EVENTS } from "./notification.rules";

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
  dispatch: DispatchService;
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
