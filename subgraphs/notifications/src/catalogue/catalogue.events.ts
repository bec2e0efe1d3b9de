import { queueNames, startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { NotificationsDb } from "../db";
import { CatalogueRepository } from "./catalogue.repository";

export const CATALOGUE_PURPOSE = "catalogue";

/** `notifications.catalogue` (and its retry and dead-letter queues) for a queue owner. */
export const catalogueQueues = (owner: string) => queueNames(owner, CATALOGUE_PURPOSE);

/**
 * Keeps the variant names emails show, from `variant.*` events (never products' database).
 * `pnpm --filter @cartograph/products republish` replays every variant to rebuild it.
 */
export function startCatalogueConsumer(options: {
  broker: Broker;
  db: NotificationsDb;
  log: Logger;
  queueOwner: string;
}): Promise<Consumer> {
  const catalogue = new CatalogueRepository();
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: CATALOGUE_PURPOSE,
    eventTypes: ["variant.created", "variant.updated"],
    handle: (event, tx) => catalogue.applySnapshot(tx, event.data, new Date(event.occurredAt)),
  });
}
