import { ignoringDuplicateKeys } from "@cartograph/service-kit/mongo";
import type { ReviewsCollections, VerifiedPurchaseDocument } from "../db";

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

  /** The products the user bought, first paid first (their data export). */
  ofUser(userId: string): Promise<VerifiedPurchaseDocument[]> {
    return this.collections.verifiedPurchases.find({ userId }).sort({ firstPaidAt: 1, _id: 1 }).toArray();
  }

  /** Forgets what the user bought; returns how many marks went. */
  async deleteOfUser(userId: string): Promise<number> {
    return (await this.collections.verifiedPurchases.deleteMany({ userId })).deletedCount;
  }

  async hasBought(userId: string, productId: string): Promise<boolean> {
    return (
      (await this.collections.verifiedPurchases.countDocuments({ _id: `${userId}|${productId}` }, { limit: 1 })) > 0
    );
  }
}
