import { asc, eq } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import {
  emailDeliveries,
  notificationPreferences,
  notifications,
  orderCopies,
  purchases,
  recipients,
  wishlistItems,
} from "../db/schema";

/** Everything notifications keeps about one customer, read and deleted table by table. */
export class CustomerDataRepository {
  async read(tx: NotificationsExecutor, userId: string) {
    return {
      recipient: (await tx.select().from(recipients).where(eq(recipients.userId, userId)))[0] ?? null,
      notifications: await tx
        .select()
        .from(notifications)
        .where(eq(notifications.userId, userId))
        .orderBy(asc(notifications.createdAt), asc(notifications.id)),
      preferences: await tx.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId)),
      wishlist: await tx
        .select()
        .from(wishlistItems)
        .where(eq(wishlistItems.userId, userId))
        .orderBy(asc(wishlistItems.addedAt), asc(wishlistItems.id)),
      // Not the bodies: they repeat what the notifications and order copies hold.
      emails: await tx
        .select({
          topic: emailDeliveries.topic,
          subject: emailDeliveries.subject,
          status: emailDeliveries.status,
          sentTo: emailDeliveries.sentTo,
          sentAt: emailDeliveries.sentAt,
          createdAt: emailDeliveries.createdAt,
        })
        .from(emailDeliveries)
        .where(eq(emailDeliveries.userId, userId))
        .orderBy(asc(emailDeliveries.createdAt), asc(emailDeliveries.id)),
      orders: await tx
        .select()
        .from(orderCopies)
        .where(eq(orderCopies.userId, userId))
        .orderBy(asc(orderCopies.placedAt)),
      purchases: await tx
        .select()
        .from(purchases)
        .where(eq(purchases.userId, userId))
        .orderBy(asc(purchases.paidAt), asc(purchases.orderId)),
    };
  }

  /** Deletes every row of the customer's; the counts per table. Pending emails go too: never sent. */
  async deleteAll(tx: NotificationsExecutor, userId: string): Promise<Record<string, number>> {
    const count = async (deleted: Promise<{ rowCount: number | null }>) => (await deleted).rowCount ?? 0;
    return {
      recipients: await count(tx.delete(recipients).where(eq(recipients.userId, userId))),
      notifications: await count(tx.delete(notifications).where(eq(notifications.userId, userId))),
      preferences: await count(tx.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId))),
      wishlistItems: await count(tx.delete(wishlistItems).where(eq(wishlistItems.userId, userId))),
      emailDeliveries: await count(tx.delete(emailDeliveries).where(eq(emailDeliveries.userId, userId))),
      orderCopies: await count(tx.delete(orderCopies).where(eq(orderCopies.userId, userId))),
      purchases: await count(tx.delete(purchases).where(eq(purchases.userId, userId))),
    };
  }
}
