import type { CustomerDataHandlers } from "@cartograph/events";
import type { MongoUnitOfWork } from "@cartograph/events/mongo";
import type { CoPurchaseRepository } from "../copurchase/copurchase.repository";
import type { ErasedCustomerRepository } from "./erased-customer.repository";

/**
 * What recommendations holds about a customer: their paid orders (the history learned from
 * `order.paid`) and the products they bought. Erasing takes them off their orders rather than
 * deleting the orders: co-purchase and sales counts are nobody's data, and a rebuild recomputes
 * them from the history, so deleted orders would silently drop out of them at the next rebuild.
 * A tombstone, written first, makes an order of theirs that arrives later lose them too.
 */
export class CustomerDataService implements CustomerDataHandlers<MongoUnitOfWork> {
  constructor(
    private readonly coPurchases: CoPurchaseRepository,
    private readonly erased: ErasedCustomerRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async exportCustomerData(_: MongoUnitOfWork, userId: string): Promise<Record<string, unknown>> {
    const orders = await this.coPurchases.purchasesOf(userId);
    const bought = await this.coPurchases.productsBoughtBy(userId);
    return {
      purchases: orders.map((order) => ({
        orderId: order._id,
        lines: order.lines.map(({ productId, quantity }) => ({ productId, quantity })),
        paidAt: order.paidAt.toISOString(),
      })),
      productsBought: bought.map((row) => ({ productId: row.productId, lastPaidAt: row.lastPaidAt.toISOString() })),
    };
  }

  async eraseCustomerData(_: MongoUnitOfWork, userId: string): Promise<Record<string, number>> {
    const erasedAt = this.now();
    // First: an order applied while this runs either is seen below or sees the tombstone.
    await this.erased.record(userId, erasedAt);
    return this.forget(userId, erasedAt);
  }

  /** After a paid order is applied: if its buyer was erased meanwhile, they are taken off it too. */
  async forgetIfErased(userId: string): Promise<void> {
    if (await this.erased.isErased(userId)) await this.forget(userId, this.now());
  }

  private async forget(userId: string, at: Date): Promise<{ purchasesAnonymised: number; productsBought: number }> {
    let purchasesAnonymised = 0;
    // One update per command (docs/conventions.md, MongoDB).
    for (const order of await this.coPurchases.purchasesOf(userId))
      if (await this.coPurchases.forgetBuyer(order._id, userId, at)) purchasesAnonymised += 1;
    const productsBought = await this.coPurchases.forgetProductsBoughtBy(userId);
    return { purchasesAnonymised, productsBought };
  }
}
