import type { EventData } from "@cartograph/events";
import { inArray, sql } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { catalogueVariants, type CatalogueVariantRow } from "../db/schema";

/** Notifications' copy of the catalogue's variant names; writes run in the consumer's transaction. */
export class CatalogueRepository {
  findByIds(tx: NotificationsExecutor, variantIds: readonly string[]): Promise<CatalogueVariantRow[]> {
    if (variantIds.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(catalogueVariants)
      .where(inArray(catalogueVariants.variantId, [...variantIds]));
  }

  /** Applies a variant snapshot unless a newer one is already here (events may arrive out of order). */
  async applySnapshot(
    tx: NotificationsExecutor,
    variant: EventData<"variant.created">,
    occurredAt: Date,
  ): Promise<void> {
    const row = {
      variantId: variant.variantId,
      productId: variant.productId,
      sku: variant.sku,
      title: variant.title,
      productName: variant.productName,
      syncedAt: occurredAt,
    };
    await tx
      .insert(catalogueVariants)
      .values(row)
      .onConflictDoUpdate({
        target: catalogueVariants.variantId,
        set: row,
        setWhere: sql`${catalogueVariants.syncedAt} <= ${occurredAt}`,
      });
  }
}
