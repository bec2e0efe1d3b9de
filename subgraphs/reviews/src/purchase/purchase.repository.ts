import { ignoringDuplicateKeys } from "@cartograph/service-kit/mongo";
import type { ReviewsCollections } from "../db";

export class PurchaseRepository {
  constructor(private readonly collections: ReviewsCollections) {}

  /** Records that the user bought these products; idempotent (keyed by user and product). */
  async record(userId: string, productIds: readonly string[], paidAt: Date): Promise<void> {
    // Two orders of one product paid at once both upsert its mark; the loser's duplicate is fine.
    // One mark per command, never one bulk `update` of many (docs/conventions.md, MongoDB).
    for (const productId of productIds)
      await ignoringDuplicateKeys(
        this.collections.verifiedPurchases.updateOne(
          { _id: `${userId}|${productId}` },
          { $setOnInsert: { userId, productId, firstPaidAt: paidAt } },
          { upsert: true },
        ),
      );
  }

  async hasBought(userId: string, productId: string): Promise<boolean> {
    return (
      (await this.collections.verifiedPurchases.countDocuments({ _id: `${userId}|${productId}` }, { limit: 1 })) > 0
    );
  }
}
