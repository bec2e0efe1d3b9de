import type { EventData } from "@cartograph/events";
import { inArray, sql } from "drizzle-orm";
import type { OrdersExecutor } from "../db";
import { catalogueStock, catalogueVariants, type CatalogueVariantRow } from "../db/schema";

export class CatalogueRepository {
  constructor(private readonly db: OrdersExecutor) {}

  findByIds(variantIds: readonly string[], tx: OrdersExecutor = this.db): Promise<CatalogueVariantRow[]> {
    if (variantIds.length === 0) return Promise.resolve([]);
    return tx
      .select()
      .from(catalogueVariants)
      .where(inArray(catalogueVariants.variantId, [...variantIds]));
  }

  /** Units a checkout could reserve now, by variant; variants never announced are absent (not refused). */
  async stockOf(variantIds: readonly string[], tx: OrdersExecutor = this.db): Promise<Map<string, number>> {
    if (variantIds.length === 0) return new Map();
    const rows = await tx
      .select()
      .from(catalogueStock)
      .where(inArray(catalogueStock.variantId, [...variantIds]));
    return new Map(rows.map((row) => [row.variantId, row.available]));
  }

  /** Applies inventory's announcement unless a newer one is already here. */
  async applyStock(tx: OrdersExecutor, stock: EventData<"stock.changed">, occurredAt: Date): Promise<void> {
    const rows = stock.variants.flatMap((variant) =>
      variant.available === undefined
        ? []
        : [{ variantId: variant.variantId, available: variant.available, syncedAt: occurredAt }],
    );
    if (rows.length === 0) return;
    await tx
      .insert(catalogueStock)
      .values(rows)
      .onConflictDoUpdate({
        target: catalogueStock.variantId,
        set: { available: sql`excluded.available`, syncedAt: sql`excluded.synced_at` },
        setWhere: sql`${catalogueStock.syncedAt} <= excluded.synced_at`,
      });
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
