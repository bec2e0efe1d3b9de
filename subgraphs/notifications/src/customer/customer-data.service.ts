import type { CustomerDataHandlers } from "@cartograph/events";
import type { NotificationsExecutor } from "../db";
import type { CustomerDataRepository } from "./customer-data.repository";
import type { ErasedCustomerRepository } from "./erased-customer.repository";

const iso = (date: Date | null) => date?.toISOString() ?? null;

/**
 * What notifications holds about a customer: their address and name, notifications, preferences,
 * wishlist, emails (not the bodies) and the orders and purchases it copied from events. Erasing
 * deletes all of it and keeps a tombstone, so events about them that arrive later produce nothing.
 * Runs in the inbox's transaction, with the reply in the outbox: the answer commits with the erasure.
 */
export class CustomerDataService implements CustomerDataHandlers<NotificationsExecutor> {
  constructor(
    private readonly data: CustomerDataRepository,
    private readonly erased: ErasedCustomerRepository,
  ) {}

  async exportCustomerData(tx: NotificationsExecutor, userId: string): Promise<Record<string, unknown>> {
    const held = await this.data.read(tx, userId);
    return {
      recipient: held.recipient && { email: held.recipient.email, name: held.recipient.name },
      notifications: held.notifications.map((n) => ({
        topic: n.topic,
        title: n.title,
        body: n.body,
        orderId: n.orderId,
        createdAt: iso(n.createdAt),
        readAt: iso(n.readAt),
      })),
      preferences: held.preferences.map((p) => ({ kind: p.kind, channel: p.channel, enabled: p.enabled })),
      wishlist: held.wishlist.map((w) => ({ productId: w.productId, variantId: w.variantId, addedAt: iso(w.addedAt) })),
      emails: held.emails.map((e) => ({ ...e, sentAt: iso(e.sentAt), createdAt: iso(e.createdAt) })),
      orders: held.orders.map((o) => ({
        orderId: o.orderId,
        lines: o.lines,
        total: o.total,
        currencyCode: o.currencyCode,
        placedAt: iso(o.placedAt),
      })),
      purchases: held.purchases.map((p) => ({ orderId: p.orderId, productId: p.productId, paidAt: iso(p.paidAt) })),
    };
  }

  async eraseCustomerData(tx: NotificationsExecutor, userId: string): Promise<Record<string, number>> {
    await this.erased.record(tx, userId);
    return this.data.deleteAll(tx, userId);
  }
}
