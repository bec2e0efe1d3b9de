import { queueNames, startConsumer, type Broker, type Consumer } from "@cartograph/events";
import type { Logger } from "@cartograph/service-kit";
import type { InventoryDb } from "../db";
import type { StockService } from "./stock.service";

export const CATALOGUE_PURPOSE = "catalogue";

/** `inventory.catalogue` (and its retry and dead-letter queues) for the default prefix. */
export const catalogueQueues = (queuePrefix: string) => queueNames(queuePrefix, CATALOGUE_PURPOSE);

/** Keeps inventory's copy of the catalogue's variants (id, product, sku, active) from its events. */
export function startCatalogueConsumer(options: {
  broker: Broker;
  db: InventoryDb;
  log: Logger;
  queuePrefix: string;
  stock: StockService;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    db: options.db,
    log: options.log,
    service: options.queuePrefix,
    purpose: CATALOGUE_PURPOSE,
    eventTypes: ["variant.created", "variant.updated"],
    handle: (event, tx) => options.stock.recordVariant(tx, event.data, event.occurredAt),
  });
}
