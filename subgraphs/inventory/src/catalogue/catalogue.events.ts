import { queueNames, startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { InventoryDb } from "../db";
import type { StockService } from "../stock/stock.service";

export const CATALOGUE_PURPOSE = "catalogue";

/** `<owner>.catalogue` (and its retry and dead-letter queues). */
export const catalogueQueues = (queueOwner: string) => queueNames(queueOwner, CATALOGUE_PURPOSE);

/** Keeps inventory's copy of the catalogue's variants (id, product, sku, active) from its events. */
export function startCatalogueConsumer(options: {
  broker: Broker;
  db: InventoryDb;
  log: Logger;
  queueOwner: string;
  stock: StockService;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: CATALOGUE_PURPOSE,
    eventTypes: ["variant.created", "variant.updated"],
    handle: (event, tx) => options.stock.recordVariant(tx, event.data, event.occurredAt),
  });
}
