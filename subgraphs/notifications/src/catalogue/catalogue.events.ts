import { queueNames, startConsumer, type Broker, type Consumer, type EventOf } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { NotificationsDb, NotificationsExecutor } from "../db";
import type { CatalogueStockRow, CatalogueVariantRow } from "../db/schema";
import { CatalogueRepository, type Applied } from "./catalogue.repository";

export const CATALOGUE_PURPOSE = "catalogue";

/** `notifications.catalogue` (and its retry and dead-letter queues) for a queue owner. */
export const catalogueQueues = (owner: string) => queueNames(owner, CATALOGUE_PURPOSE);

export const CATALOGUE_EVENTS = ["variant.created", "variant.updated", "stock.changed"] as const;

/** A variant's stock as one `stock.changed` announced it, and what the copy held before. */
export interface StockChange {
  variantId: string;
  productId: string;
  inStock: boolean;
  applied: Applied<CatalogueStockRow>;
}

/**
 * What is told of each change the copy applied (WishlistAlertService), named here so neither
 * file imports the other's module.
 */
export interface CatalogueWatcher {
  afterSnapshot(
    tx: NotificationsExecutor,
    eventId: string,
    variant: EventOf<"variant.updated">["data"],
    applied: Applied<CatalogueVariantRow>,
  ): Promise<number>;
  afterStockChanged(tx: NotificationsExecutor, eventId: string, changes: readonly StockChange[]): Promise<number>;
}

/**
 * Keeps the variant names emails show and the prices and stock wishlist alerts compare against,
 * from `variant.*` and `stock.changed` (never products' or inventory's database), and alerts
 * wishlists in the same transaction. `pnpm --filter @cartograph/products republish` replays every
 * variant to rebuild the names and prices.
 */
export function startCatalogueConsumer(options: {
  broker: Broker;
  db: NotificationsDb;
  log: Logger;
  queueOwner: string;
  watcher: CatalogueWatcher;
}): Promise<Consumer> {
  const { log, watcher } = options;
  const catalogue = new CatalogueRepository();
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log,
    service: options.queueOwner,
    purpose: CATALOGUE_PURPOSE,
    eventTypes: CATALOGUE_EVENTS,
    handle: async (event, tx) => {
      const occurredAt = new Date(event.occurredAt);
      let alerted = 0;
      if (event.type === "stock.changed") {
        const changes: StockChange[] = [];
        // Events from before `inStock` say nothing of availability: they change nothing here.
        for (const variant of event.data.variants) {
          if (variant.inStock === undefined) continue;
          const stock = { variantId: variant.variantId, productId: variant.productId, inStock: variant.inStock };
          changes.push({ ...stock, applied: await catalogue.applyStock(tx, stock, occurredAt) });
        }
        alerted = await watcher.afterStockChanged(tx, event.id, changes);
      } else {
        const applied = await catalogue.applySnapshot(tx, event.data, occurredAt);
        // A price drop is a change: a first snapshot (or a replayed one) is not.
        if (event.type === "variant.updated") alerted = await watcher.afterSnapshot(tx, event.id, event.data, applied);
      }
      if (alerted > 0) log.debug({ eventId: event.id, type: event.type, alerted }, "wishlist alerts");
    },
  });
}
