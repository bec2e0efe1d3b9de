import type { NotificationsExecutor } from "../db";
import { purchases } from "../db/schema";

/** What customers bought, from `order.paid`; written in the consumer's transaction. */
export class PurchaseRepository {
  /** Once per order and product: a redelivery changes nothing. */
  async record(
    tx: NotificationsExecutor,
    order: { orderId: string; userId: string; productIds: readonly string[]; paidAt: Date },
  ): Promise<void> {
    const productIds = [...new Set(order.productIds)];
    if (productIds.length === 0) return;
    await tx
      .insert(purchases)
      .values(
        productIds.map((productId) => ({
          orderId: order.orderId,
          userId: order.userId,
          productId,
          paidAt: order.paidAt,
        })),
      )
      .onConflictDoNothing();
  }
}
