import { startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { OrdersDb } from "../db";
import { CatalogueRepository } from "./catalogue.repository";

/**
 * Keeps orders' copy of the catalogue (sku, names, prices, active) from `variant.*` events, so a
 * cart is priced without calling products, and of what can be bought (`stock.changed`), so a cart
 * is refused more than inventory holds without calling inventory. `pnpm --filter @cartograph/products republish` replays
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
    eventTypes: ["variant.created", "variant.updated", "stock.changed"],
    handle: (event, tx) =>
      event.type === "stock.changed"
        ? catalogue.applyStock(tx, event.data, new Date(event.occurredAt))
        : catalogue.applySnapshot(tx, event.data, new Date(event.occurredAt)),
  });
}
