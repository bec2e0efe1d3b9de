import { and, eq, isNull, lt, or, sql, gt } from "drizzle-orm";
import type { OrdersExecutor } from "../db";
import { coupons, type CouponRow } from "../db/schema";

export class CouponRepository {
  constructor(private readonly db: OrdersExecutor) {}

  async find(code: string, tx: OrdersExecutor = this.db): Promise<CouponRow | undefined> {
    const [coupon] = await tx.select().from(coupons).where(eq(coupons.code, code.toUpperCase()));
    return coupon;
  }

  async insert(row: typeof coupons.$inferInsert): Promise<CouponRow> {
    const [created] = await this.db.insert(coupons).values(row).returning();
    return created!;
  }

  /** Counts one use, atomically: never past `max_redemptions`, never once expired. */
  async redeem(tx: OrdersExecutor, code: string, now: Date): Promise<boolean> {
    const redeemed = await tx
      .update(coupons)
      .set({ redemptions: sql`${coupons.redemptions} + 1` })
      .where(
        and(
          eq(coupons.code, code),
          or(isNull(coupons.maxRedemptions), lt(coupons.redemptions, coupons.maxRedemptions)),
          or(isNull(coupons.expiresAt), gt(coupons.expiresAt, now)),
        ),
      )
      .returning({ code: coupons.code });
    return redeemed.length > 0;
  }

  /** Undoes one redemption of an order that was never fulfilled. */
  async release(tx: OrdersExecutor, code: string): Promise<void> {
    await tx
      .update(coupons)
      .set({ redemptions: sql`${coupons.redemptions} - 1` })
      .where(and(eq(coupons.code, code), gt(coupons.redemptions, 0)));
  }
}
