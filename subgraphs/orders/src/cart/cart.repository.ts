import { newId } from "@cartograph/service-kit";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { OrdersExecutor } from "../db";
import { cartLines, carts, type CartLineRow, type CartRow } from "../db/schema";

export const MAX_LINE_QUANTITY = 99;

export class CartRepository {
  constructor(private readonly db: OrdersExecutor) {}

  async findByUser(userId: string, tx: OrdersExecutor = this.db): Promise<CartRow | undefined> {
    const [cart] = await tx.select().from(carts).where(eq(carts.userId, userId));
    return cart;
  }

  /** The user's cart, created on first use, locked for the rest of the transaction. */
  async lockForUser(tx: OrdersExecutor, userId: string, cartId: string): Promise<CartRow> {
    await tx.insert(carts).values({ id: cartId, userId }).onConflictDoNothing({ target: carts.userId });
    const [cart] = await tx.select().from(carts).where(eq(carts.userId, userId)).for("update");
    return cart!;
  }

  linesOf(cartId: string, tx: OrdersExecutor = this.db): Promise<CartLineRow[]> {
    return tx
      .select()
      .from(cartLines)
      .where(eq(cartLines.cartId, cartId))
      .orderBy(asc(cartLines.createdAt), asc(cartLines.id));
  }

  async findLine(tx: OrdersExecutor, cartId: string, by: { lineId: string } | { variantId: string }) {
    const [line] = await tx
      .select()
      .from(cartLines)
      .where(
        and(
          eq(cartLines.cartId, cartId),
          "lineId" in by ? eq(cartLines.id, by.lineId) : eq(cartLines.variantId, by.variantId),
        ),
      );
    return line;
  }

  /** Adds to the line for this variant, or starts one; quantities stop at the maximum. */
  async addQuantity(tx: OrdersExecutor, cartId: string, variantId: string, quantity: number): Promise<void> {
    await tx
      .insert(cartLines)
      .values({ id: newId("cln"), cartId, variantId, quantity })
      .onConflictDoUpdate({
        target: [cartLines.cartId, cartLines.variantId],
        set: { quantity: sql`least(${cartLines.quantity} + ${quantity}, ${MAX_LINE_QUANTITY})` },
      });
  }

  async setQuantity(tx: OrdersExecutor, cartId: string, lineId: string, quantity: number): Promise<boolean> {
    const updated = await tx
      .update(cartLines)
      .set({ quantity })
      .where(and(eq(cartLines.id, lineId), eq(cartLines.cartId, cartId)))
      .returning({ id: cartLines.id });
    return updated.length > 0;
  }

  async removeLine(tx: OrdersExecutor, cartId: string, lineId: string): Promise<boolean> {
    const removed = await tx
      .delete(cartLines)
      .where(and(eq(cartLines.id, lineId), eq(cartLines.cartId, cartId)))
      .returning({ id: cartLines.id });
    return removed.length > 0;
  }

  async setCoupon(tx: OrdersExecutor, cartId: string, couponCode: string | null): Promise<void> {
    await tx.update(carts).set({ couponCode, updatedAt: new Date() }).where(eq(carts.id, cartId));
  }

  /** Erasure: the user's cart and its lines, gone; how many of each went. */
  async deleteForUser(tx: OrdersExecutor, userId: string): Promise<{ carts: number; cartLines: number }> {
    const ofUser = tx.select({ id: carts.id }).from(carts).where(eq(carts.userId, userId));
    const lines = await tx.delete(cartLines).where(inArray(cartLines.cartId, ofUser)).returning({ id: cartLines.id });
    const removed = await tx.delete(carts).where(eq(carts.userId, userId)).returning({ id: carts.id });
    return { carts: removed.length, cartLines: lines.length };
  }

  /** After checkout: no lines, no coupon. */
  async empty(tx: OrdersExecutor, cartId: string): Promise<void> {
    await tx.delete(cartLines).where(inArray(cartLines.cartId, [cartId]));
    await this.setCoupon(tx, cartId, null);
  }
}
