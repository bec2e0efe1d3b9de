import { startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { mongoIdempotencyStore } from "@cartograph/events/mongo";
import type { Logger } from "@cartograph/service-kit";
import type { Db } from "mongodb";
import type { CatalogueRepository } from "./catalogue.repository";

/** `reviews.catalogue`: keeps reviews' copy of which products are on sale. */
export function startCatalogueConsumer(options: {
  broker: Broker;
  db: Db;
  log: Logger;
  queueOwner: string;
  catalogue: CatalogueRepository;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    store: mongoIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "catalogue",
    eventTypes: ["product.created", "product.updated", "product.deleted"],
    handle: (event) => options.catalogue.applySnapshot(event.data, new Date(event.occurredAt)),
  });
}
