import { enqueueEvent } from "@cartograph/events/postgres";
import type { InventoryExecutor } from "../db";
import type { StockRepository } from "./stock.repository";
import { isInStock, reservableUnits } from "./stock.rules";

// What inventory announces about stock. Written to the outbox in the transaction that moved the units.

const STOCK_CHANGED_CHUNK = 500;

/**
 * What can be bought of these variants changed: the router evicts what it cached of them and
 * their products (`inStock`); notifications tells wishlists what is back in stock; orders checks
 * carts against `available`. Read after the change, in its transaction, so both are the state this
 * change left. Variants inventory has
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
  // One event per chunk keeps a seed of a large catalogue within the broker's message size.
  for (let start = 0; start < rows.length; start += STOCK_CHANGED_CHUNK) {
    const variants = rows.slice(start, start + STOCK_CHANGED_CHUNK).map((row) => ({
      variantId: row.variantId,
      productId: row.productId,
      inStock: isInStock(row),
      available: reservableUnits(row),
    }));
    await enqueueEvent(tx, { type: "stock.changed", aggregateId: variants[0]!.variantId, data: { variants } });
  }
}
