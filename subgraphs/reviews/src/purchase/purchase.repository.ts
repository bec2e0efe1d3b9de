import { ignoringDuplicateKeys } from "@cartograph/service-kit/mongo";
import type { ReviewsCollections } from "../db";

export class PurchaseRepository {
  constructor(private readonly collections: ReviewsCollections) {}

  /** Records that the user bought these products; idempotent (keyed by user and product). */
  async record(userId: string, productIds: readonly string[], paidAt: Date): Promise<void> {
    if (productIds.length === 0) return;
    // Two orders of one product paid at once both upsert its mark; the loser's duplicate is fine.
    await ignoringDuplicateKeys(
      this.collections.verifiedPurchases.bulkWrite(
        productIds.map((productId) => ({
          updateOne: {
            filter: { _id: `${userId}|${productId}` },
            update: { $setOnInsert: { userId, productId, firstPaidAt: paidAt } },
            upsert: true,
          },
        })),
        { ordered: false },
      ),
    );
  }

  async hasBought(userId: string, productId: string): Promise<boolean> {
    return (
      (await this.collections.verifiedPurchases.countDocuments({ _id: `${userId}|${productId}` }, { limit: 1 })) > 0
    );
  }
}
