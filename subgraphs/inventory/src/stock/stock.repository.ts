import { newId } from "@cartograph/service-kit";
import { and, eq, gte, inArray, lte, notExists, sql } from "drizzle-orm";
import type { InventoryExecutor } from "../db";
import { stockAdjustments, stockLevels, type StockAdjustmentRow, type StockRow } from "../db/schema";
import { MAX_ON_HAND, reservableUnits } from "./stock.rules";

export interface CatalogueVariant {
  variantId: string;
  productId: string;
  sku: string;
  active: boolean;
}

export type NewAdjustment = Omit<typeof stockAdjustments.$inferInsert, "id" | "createdAt">;

export class StockRepository {
  constructor(private readonly db: InventoryExecutor) {}

  async findByVariantIds(variantIds: readonly string[], tx: InventoryExecutor = this.db): Promise<StockRow[]> {
    return tx
      .select()
      .from(stockLevels)
      .where(inArray(stockLevels.variantId, [...variantIds]));
  }

  /** One grouped query for any number of products; products inventory has never heard of are absent. */
  async productsInStock(productIds: readonly string[]): Promise<Array<{ productId: string; inStock: boolean }>> {
    return this.db
      .select({
        productId: stockLevels.productId,
        inStock: sql<boolean>`bool_or(${stockLevels.active} and ${stockLevels.onHand} > ${stockLevels.reserved})`,
      })
      .from(stockLevels)
      .where(inArray(stockLevels.productId, [...productIds]))
      .groupBy(stockLevels.productId);
  }

  async lock(tx: InventoryExecutor, variantId: string): Promise<StockRow | undefined> {
    const [row] = await tx.select().from(stockLevels).where(eq(stockLevels.variantId, variantId)).for("update");
    return row;
  }

  async setOnHand(tx: InventoryExecutor, variantId: string, onHand: number): Promise<StockRow> {
    const [row] = await tx
      .update(stockLevels)
      .set({ onHand, updatedAt: sql`now()` })
      .where(eq(stockLevels.variantId, variantId))
      .returning();
    return row!;
  }

  /**
   * Adds `delta` in one conditional UPDATE, so concurrent adjustments serialise on the row and
   * none is lost. Undefined when the variant is unknown or the result would leave fewer units
   * than are reserved (or more than the ceiling).
   */
  async adjustOnHand(tx: InventoryExecutor, variantId: string, delta: number): Promise<StockRow | undefined> {
    const after = sql`${stockLevels.onHand} + ${delta}`;
    const [row] = await tx
      .update(stockLevels)
      .set({ onHand: after, updatedAt: sql`now()` })
      .where(and(eq(stockLevels.variantId, variantId), gte(after, stockLevels.reserved), lte(after, MAX_ON_HAND)))
      .returning();
    return row;
  }

  /**
   * Holds `quantity` units for an order in one conditional UPDATE: it succeeds only if that many
   * are available right now, so concurrent reservations can never oversell. False otherwise.
   */
  async reserve(tx: InventoryExecutor, variantId: string, quantity: number): Promise<boolean> {
    const rows = await tx
      .update(stockLevels)
      .set({ reserved: sql`${stockLevels.reserved} + ${quantity}`, updatedAt: sql`now()` })
      .where(
        and(
          eq(stockLevels.variantId, variantId),
          eq(stockLevels.active, true),
          gte(sql`${stockLevels.onHand} - ${stockLevels.reserved}`, quantity),
        ),
      )
      .returning({ variantId: stockLevels.variantId });
    return rows.length === 1;
  }

  /** What a shopper could still reserve of a variant: 0 when unknown or no longer sold. */
  async availableFor(tx: InventoryExecutor, variantId: string): Promise<number> {
    const [row] = await this.findByVariantIds([variantId], tx);
    return reservableUnits(row);
  }

  /** Moves units of a reservation that changes state (release, commit, restock). */
  async moveUnits(
    tx: InventoryExecutor,
    variantId: string,
    change: { onHand: number; reserved: number },
  ): Promise<void> {
    await tx
      .update(stockLevels)
      .set({
        onHand: sql`${stockLevels.onHand} + ${change.onHand}`,
        reserved: sql`${stockLevels.reserved} + ${change.reserved}`,
        updatedAt: sql`now()`,
      })
      .where(eq(stockLevels.variantId, variantId));
  }

  async recordAdjustment(tx: InventoryExecutor, adjustment: NewAdjustment): Promise<StockAdjustmentRow> {
    const [row] = await tx
      .insert(stockAdjustments)
      .values({ id: newId("adj"), ...adjustment })
      .returning();
    return row!;
  }

  async adjustmentsOf(variantId: string): Promise<StockAdjustmentRow[]> {
    return this.db
      .select()
      .from(stockAdjustments)
      .where(eq(stockAdjustments.variantId, variantId))
      .orderBy(stockAdjustments.createdAt, stockAdjustments.id);
  }

  /** Every stock change one user made, oldest first (a customer's data export). */
  async adjustmentsBy(tx: InventoryExecutor, actor: string): Promise<StockAdjustmentRow[]> {
    return tx
      .select()
      .from(stockAdjustments)
      .where(eq(stockAdjustments.actor, actor))
      .orderBy(stockAdjustments.createdAt, stockAdjustments.id);
  }

  /** Variants nobody has ever counted or adjusted (no audit row), locked for the seed. */
  async lockNeverAdjusted(tx: InventoryExecutor): Promise<StockRow[]> {
    return tx
      .select()
      .from(stockLevels)
      .where(
        notExists(
          tx
            .select({ one: sql`1` })
            .from(stockAdjustments)
            .where(eq(stockAdjustments.variantId, stockLevels.variantId)),
        ),
      )
      .orderBy(stockLevels.variantId)
      .for("update");
  }

  /**
   * Inserts a variant the catalogue announced (with no stock), or refreshes what inventory keeps
   * of it. Units are never touched. Events can arrive out of order (retries), so an event older
   * than the last one applied changes nothing.
   */
  async upsertFromCatalogue(tx: InventoryExecutor, variant: CatalogueVariant, occurredAt: Date): Promise<void> {
    await tx
      .insert(stockLevels)
      .values({ ...variant, onHand: 0, reserved: 0, catalogueSyncedAt: occurredAt })
      .onConflictDoUpdate({
        target: stockLevels.variantId,
        set: {
          productId: sql`excluded.product_id`,
          sku: sql`excluded.sku`,
          active: sql`excluded.active`,
          catalogueSyncedAt: sql`excluded.catalogue_synced_at`,
          updatedAt: sql`now()`,
        },
        setWhere: sql`${stockLevels.catalogueSyncedAt} <= excluded.catalogue_synced_at`,
      });
  }
}
