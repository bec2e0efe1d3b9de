import { enqueueEvent } from "@cartograph/events/postgres";
import type { InventoryExecutor } from "../db";
import type { StockRepository } from "./stock.repository";
import { isInStock } from "./stock.rules";

// What inventory announces about stock. Written to the outbox in the transaction that moved the units.

/**
 * What can be bought of these variants changed: the router evicts what it cached of them and
 * their products (`inStock`); notifications tells wishlists what is back in stock. Read after the
 * change, in its transaction, so `inStock` is the state this change left. Variants inventory has
 * never heard of are left out.
 */
export async function announceStockChanged(
  tx: InventoryExecutor,
  levels: StockRepository,
  variantIds: readonly string[],
): Promise<void> {
  if (variantIds.length === 0) return;
  const rows = await levels.findByVariantIds([...new Set(variantIds)], tx);
  if (rows.length === 0) return;
  const variants = rows.map((row) => ({ variantId: row.variantId, productId: row.productId, inStock: isInStock(row) }));
  await enqueueEvent(tx, { type: "stock.changed", aggregateId: variants[0]!.variantId, data: { variants } });
}
