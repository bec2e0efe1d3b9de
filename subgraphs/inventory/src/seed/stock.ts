import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { InventoryDb } from "../db";
import { announceStockChanged } from "../stock/stock.events";
import { StockRepository } from "../stock/stock.repository";

export const SEED_ACTOR = "seed";

/**
 * Demo units for a variant, the same on every machine and every run: 0 to 60, with about one
 * variant in twenty at 0 so the demo shows what out of stock looks like.
 */
export function demoStockFor(variantId: string): number {
  const digest = createHash("sha256").update(variantId).digest();
  if (digest.readUInt32BE(0) % 20 === 0) return 0;
  return 1 + (digest.readUInt32BE(4) % 60);
}

/**
 * Gives every variant that was never counted or adjusted its demo stock, with a `seed` audit row
 * (so a second run finds nothing to do, and never overrides an admin's count), and announces it
 * (`stock.changed`). Idempotent.
 */
export async function seedDemoStock(db: InventoryDb): Promise<{ seeded: number }> {
  const stock = new StockRepository(db);
  return db.transaction(async (tx) => {
    // Two seeds at once would both see the same variants as never adjusted.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('inventory.seed'))`);
    const variants = await stock.lockNeverAdjusted(tx);
    for (const variant of variants) {
      // A unit already held for an order must stay covered (reserved <= on_hand).
      const onHand = Math.max(demoStockFor(variant.variantId), variant.reserved);
      await stock.setOnHand(tx, variant.variantId, onHand);
      await stock.recordAdjustment(tx, {
        variantId: variant.variantId,
        kind: "seed",
        delta: onHand - variant.onHand,
        onHandAfter: onHand,
        reason: "demo stock",
        actor: SEED_ACTOR,
      });
    }
    // Announced like any count, so orders' stock copy and the router's cache learn the demo stock.
    await announceStockChanged(
      tx,
      stock,
      variants.map((variant) => variant.variantId),
    );
    return { seeded: variants.length };
  });
}
