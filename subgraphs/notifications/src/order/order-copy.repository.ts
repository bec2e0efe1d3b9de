import { eq } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { orderCopies, type OrderCopyRow } from "../db/schema";

/** What `order.placed` said of each order; written in the consumer's transaction. */
export class OrderCopyRepository {
  async find(tx: NotificationsExecutor, orderId: string): Promise<OrderCopyRow | null> {
    const [row] = await tx.select().from(orderCopies).where(eq(orderCopies.orderId, orderId));
    return row ?? null;
  }

  async save(tx: NotificationsExecutor, copy: typeof orderCopies.$inferInsert): Promise<void> {
    await tx.insert(orderCopies).values(copy).onConflictDoNothing({ target: orderCopies.orderId });
  }
}
