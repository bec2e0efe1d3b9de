import { startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { OrdersDb } from "../db";
import { CatalogueRepository } from "./catalogue.repository";

/**
 * Keeps orders' copy of the catalogue (sku, names, prices, active) from `variant.*` events, so a
 * cart is priced without calling products. `pnpm --filter @cartograph/products republish` replays
 * every variant to rebuild it.
 */
export function startCatalogueConsumer(options: {
  broker: Broker;
  db: OrdersDb;
  log: Logger;
  queueOwner: string;
}): Promise<Consumer> {
  const catalogue = new CatalogueRepository(options.db);
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "catalogue",
    eventTypes: ["variant.created", "variant.updated"],
    handle: (event, tx) => catalogue.applySnapshot(tx, event.data, new Date(event.occurredAt)),
  });
}
