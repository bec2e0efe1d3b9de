import { randomBytes } from "node:crypto";
import { newId } from "@cartograph/service-kit";
import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { OrdersExecutor } from "../db";
import { cartLines, carts, type CartLineRow, type CartRow } from "../db/schema";

export const MAX_LINE_QUANTITY = 99;

/** A guest cart's id is its only key: 144 random bits, so it cannot be guessed. */
const GUEST_CART_PREFIX = "gcart_";

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

  async createGuest(tx: OrdersExecutor): Promise<CartRow> {
    const [cart] = await tx
      .insert(carts)
      .values({ id: `${GUEST_CART_PREFIX}${randomBytes(18).toString("base64url")}`, userId: null })
      .returning();
    return cart!;
  }

  /**
   * A guest's cart (one without a customer), locked for the rest of the transaction when asked;
   * undefined if there is none (or it was merged).
   */
  async findGuest(
    id: string,
    tx: OrdersExecutor = this.db,
    { lock = false }: { lock?: boolean } = {},
  ): Promise<CartRow | undefined> {
    const query = tx
      .select()
      .from(carts)
      .where(and(eq(carts.id, id), isNull(carts.userId)));
    const [cart] = lock ? await query.for("update") : await query;
    return cart;
  }

  /** A cart was changed: guest carts left alone for long are swept by their `updated_at`. */
  async touch(tx: OrdersExecutor, id: string): Promise<void> {
    await tx.update(carts).set({ updatedAt: new Date() }).where(eq(carts.id, id));
  }

  /** Up to `limit` guest carts untouched since `before`, deleted with their lines; how many went. */
  async deleteIdleGuests(tx: OrdersExecutor, before: Date, limit: number): Promise<number> {
    const idle = tx
      .select({ id: carts.id })
      .from(carts)
      .where(and(isNull(carts.userId), lt(carts.updatedAt, before)))
      .limit(limit);
    const removed = await tx.delete(carts).where(inArray(carts.id, idle)).returning({ id: carts.id });
    return removed.length;
  }

  async deleteCart(tx: OrdersExecutor, id: string): Promise<void> {
    await tx.delete(carts).where(eq(carts.id, id));
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

  /** Adds each line's quantity to this cart's line for its variant (a merge, a failed checkout given back). */
  async addQuantities(
    tx: OrdersExecutor,
    cartId: string,
    lines: ReadonlyArray<{ variantId: string; quantity: number }>,
  ): Promise<void> {
    for (const line of lines) await this.addQuantity(tx, cartId, line.variantId, line.quantity);
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
