import type { EventData } from "@cartograph/events";
import { inArray, sql } from "drizzle-orm";
import type { OrdersExecutor } from "../db";
import { catalogueVariants, type CatalogueVariantRow } from "../db/schema";

export class CatalogueRepository {
  constructor(private readonly db: OrdersExecutor) {}

  findByIds(variantIds: readonly string[], tx: OrdersExecutor = this.db): Promise<CatalogueVariantRow[]> {
    if (variantIds.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(catalogueVariants)
      .where(inArray(catalogueVariants.variantId, [...variantIds]));
  }

  /** Applies a variant snapshot unless a newer one is already here (events may arrive out of order). */
  async applySnapshot(tx: OrdersExecutor, variant: EventData<"variant.created">, occurredAt: Date): Promise<void> {
    const row = {
      variantId: variant.variantId,
      productId: variant.productId,
      sku: variant.sku,
      title: variant.title,
      productName: variant.productName,
      price: variant.price.amount,
      currencyCode: variant.price.currencyCode,
      active: variant.active,
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
