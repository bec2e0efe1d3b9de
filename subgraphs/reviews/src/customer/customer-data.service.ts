import type { CustomerDataHandlers } from "@cartograph/events";
import type { MongoUnitOfWork } from "@cartograph/events/mongo";
import type { PurchaseRepository } from "../purchase/purchase.repository";
import type { ReviewRepository } from "../review/review.repository";

/**
 * What reviews holds about a customer: the reviews they wrote and what they bought (verified
 * purchases). Erasing keeps the reviews, rating and words, without their author, so products'
 * ratings stay as customers gave them; what they bought goes. Idempotent without transactions:
 * a review is anonymised only while it still names the customer, so a rerun counts zeros.
 */
export class CustomerDataService implements CustomerDataHandlers<MongoUnitOfWork> {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly purchases: PurchaseRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async exportCustomerData(_: MongoUnitOfWork, userId: string): Promise<Record<string, unknown>> {
    const reviews = await this.reviews.byAuthor(userId);
    const purchases = await this.purchases.ofUser(userId);
    return {
      reviews: reviews.map((review) => ({
        reviewId: review._id,
        productId: review.productId,
        rating: review.rating,
        title: review.title,
        body: review.body,
        verifiedPurchase: review.verifiedPurchase,
        createdAt: review.createdAt.toISOString(),
      })),
      verifiedPurchases: purchases.map((purchase) => ({
        productId: purchase.productId,
        firstPaidAt: purchase.firstPaidAt.toISOString(),
      })),
    };
  }

  async eraseCustomerData(_: MongoUnitOfWork, userId: string): Promise<Record<string, number>> {
    const at = this.now();
    let reviewsAnonymised = 0;
    // One update per command (docs/conventions.md, MongoDB); ratings do not change, so no refresh.
    for (const review of await this.reviews.byAuthor(userId))
      if (await this.reviews.anonymise(review, at)) reviewsAnonymised += 1;
    const verifiedPurchases = await this.purchases.deleteOfUser(userId);
    return { reviewsAnonymised, verifiedPurchases };
  }
}
