import type { EventData } from "@cartograph/events";
import { and, eq, inArray } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { catalogueStock, catalogueVariants, type CatalogueStockRow, type CatalogueVariantRow } from "../db/schema";

/** What a snapshot or stock announcement changed: the row as it was before (null if new), when applied. */
export type Applied<Row> = { applied: true; previous: Row | null } | { applied: false };

/** Notifications' copy of the catalogue's variants and their stock; writes run in the consumer's transaction. */
export class CatalogueRepository {
  findByIds(tx: NotificationsExecutor, variantIds: readonly string[]): Promise<CatalogueVariantRow[]> {
    if (variantIds.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(catalogueVariants)
      .where(inArray(catalogueVariants.variantId, [...variantIds]));
  }

  /** Whether any variant of the product is copied here and still sold. */
  async productIsActive(tx: NotificationsExecutor, productId: string): Promise<boolean> {
    const [row] = await tx
      .select({ variantId: catalogueVariants.variantId })
      .from(catalogueVariants)
      .where(and(eq(catalogueVariants.productId, productId), eq(catalogueVariants.active, true)))
      .limit(1);
    return row !== undefined;
  }

  /**
   * Applies a variant snapshot unless a newer one is already here (events may arrive out of
   * order), and says what the row held before, so a price drop can be told.
   */
  async applySnapshot(
    tx: NotificationsExecutor,
    variant: EventData<"variant.created">,
    occurredAt: Date,
  ): Promise<Applied<CatalogueVariantRow>> {
    // Locked, so two replicas applying snapshots of one variant compare against the same "before".
    const [previous] = await tx
      .select()
      .from(catalogueVariants)
      .where(eq(catalogueVariants.variantId, variant.variantId))
      .for("update");
    if (previous && previous.syncedAt > occurredAt) return { applied: false };
    const row = {
      variantId: variant.variantId,
      productId: variant.productId,
      sku: variant.sku,
      title: variant.title,
      productName: variant.productName,
      priceAmount: variant.price.amount,
      currencyCode: variant.price.currencyCode,
      active: variant.active,
      syncedAt: occurredAt,
    };
    await tx
      .insert(catalogueVariants)
      .values(row)
      .onConflictDoUpdate({ target: catalogueVariants.variantId, set: row });
    return { applied: true, previous: previous ?? null };
  }

  /** Records whether a variant can be bought, unless a newer announcement is already here. */
  async applyStock(
    tx: NotificationsExecutor,
    stock: { variantId: string; productId: string; inStock: boolean },
    occurredAt: Date,
  ): Promise<Applied<CatalogueStockRow>> {
    const [previous] = await tx
      .select()
      .from(catalogueStock)
      .where(eq(catalogueStock.variantId, stock.variantId))
      .for("update");
    if (previous && previous.syncedAt > occurredAt) return { applied: false };
    const row = { ...stock, syncedAt: occurredAt };
    await tx.insert(catalogueStock).values(row).onConflictDoUpdate({ target: catalogueStock.variantId, set: row });
    return { applied: true, previous: previous ?? null };
  }
}
