import type { EventData } from "@cartograph/events";
import type { CatalogueWatcher, StockChange } from "../catalogue/catalogue.events";
import { CatalogueRepository, type Applied } from "../catalogue/catalogue.repository";
import type { NotificationsExecutor } from "../db";
import type { CatalogueVariantRow, NotificationChannelValue } from "../db/schema";
import type { Message } from "../notification/notification.rules";
import { WishlistRepository, type WatchedVariant } from "./wishlist.repository";
import { backInStockMessage, cameBackInStock, priceDropMessage, priceDropOf, variantLabel } from "./wishlist.rules";

/** Delivers one message to one user on the channels they allow (DispatchService.deliver). */
export interface MessageDelivery {
  deliver(tx: NotificationsExecutor, eventId: string, message: Message): Promise<NotificationChannelValue[]>;
}

/**
 * Tells customers what on their wishlists got cheaper or came back in stock, in the catalogue
 * consumer's transaction: the inbox marks the event with the alerts it produced, so a redelivery
 * alerts nobody twice. One message per customer and event, however many of their items match.
 */
export class WishlistAlertService implements CatalogueWatcher {
  private readonly wishlists: WishlistRepository;
  private readonly catalogue = new CatalogueRepository();

  constructor(
    db: NotificationsExecutor,
    private readonly delivery: MessageDelivery,
  ) {
    this.wishlists = new WishlistRepository(db);
  }

  /** After a variant snapshot was applied: alerts its watchers if the price went down. Returns how many. */
  async afterSnapshot(
    tx: NotificationsExecutor,
    eventId: string,
    variant: EventData<"variant.updated">,
    applied: Applied<CatalogueVariantRow>,
  ): Promise<number> {
    if (!applied.applied) return 0;
    const drop = priceDropOf(applied.previous, variant);
    if (!drop) return 0;
    const label = variantLabel(variant.variantId, variant);
    const watchers = await this.watchersOf(tx, [variant]);
    for (const userId of watchers.keys())
      await this.delivery.deliver(tx, eventId, priceDropMessage(userId, label, drop));
    return watchers.size;
  }

  /** After a `stock.changed` was applied: alerts the watchers of each variant that came back. Returns how many. */
  async afterStockChanged(
    tx: NotificationsExecutor,
    eventId: string,
    changes: readonly StockChange[],
  ): Promise<number> {
    const back = changes.filter(
      (change) => change.applied.applied && cameBackInStock(change.applied.previous, change.inStock),
    );
    if (back.length === 0) return 0;
    const watchers = await this.watchersOf(tx, back);
    const named = new Map(
      (
        await this.catalogue.findByIds(
          tx,
          back.map((change) => change.variantId),
        )
      ).map((row) => [row.variantId, row]),
    );
    for (const [userId, variantIds] of watchers) {
      const labels = [...variantIds].sort().map((id) => variantLabel(id, named.get(id)));
      await this.delivery.deliver(tx, eventId, backInStockMessage(userId, labels));
    }
    return watchers.size;
  }

  /** Each watching customer and the changed variants their items match (a whole product matches all of its). */
  private async watchersOf(
    tx: NotificationsExecutor,
    variants: readonly WatchedVariant[],
  ): Promise<Map<string, Set<string>>> {
    const watchers = new Map<string, Set<string>>();
    for (const item of await this.wishlists.watching(tx, variants)) {
      const matched = variants.filter((v) =>
        item.variantId === null ? v.productId === item.productId : v.variantId === item.variantId,
      );
      const seen = watchers.get(item.userId) ?? new Set<string>();
      for (const v of matched) seen.add(v.variantId);
      watchers.set(item.userId, seen);
    }
    return watchers;
  }
}
