import { eq } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { erasedCustomers } from "../db/schema";

/** Customers who deleted their account (the tombstones); in the caller's transaction. */
export class ErasedCustomerRepository {
  /** Idempotent: a second erasure keeps the first time. */
  async record(tx: NotificationsExecutor, userId: string): Promise<void> {
    await tx.insert(erasedCustomers).values({ userId }).onConflictDoNothing();
  }

  async isErased(tx: NotificationsExecutor, userId: string): Promise<boolean> {
    const rows = await tx
      .select({ userId: erasedCustomers.userId })
      .from(erasedCustomers)
      .where(eq(erasedCustomers.userId, userId));
    return rows.length > 0;
  }
}
