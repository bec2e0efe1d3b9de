import { isDuplicateKeyError } from "@cartograph/service-kit/mongo";
import type { RatingSummaryDocument, ReviewsCollections } from "../db";
import { ratingBuckets } from "../review/review.rules";
import type { ReviewRepository } from "../review/review.repository";

export class RatingRepository {
  constructor(
    private readonly collections: ReviewsCollections,
    private readonly reviews: ReviewRepository,
  ) {}

  /** The summaries of these products, in one query; products nobody reviewed have none. */
  findByProductIds(productIds: readonly string[]): Promise<RatingSummaryDocument[]> {
    return this.collections.ratingSummaries.find({ _id: { $in: [...productIds] } }).toArray();
  }

  private async numberChange(productId: string): Promise<number> {
    const number = () =>
      this.collections.ratingSummaries.findOneAndUpdate(
        { _id: productId },
        { $inc: { changeSeq: 1 }, $setOnInsert: { count: 0, sum: 0, buckets: [0, 0, 0, 0, 0], appliedSeq: 0 } },
        { upsert: true, returnDocument: "after" },
      );
    // Two first changes at once both try to insert the summary; the loser finds it on retry.
    const numbered = await number().catch((error: unknown) => {
      if (isDuplicateKeyError(error)) return number();
      throw error;
    });
    return numbered!.changeSeq;
  }

  /**
   * Recomputes one product's summary from its reviews after a change. The change is numbered
   * first; the recompute then reads every review written before that number and writes only over
   * an older recompute, so whichever of several concurrent recomputes lands last, the summary
   * counts every review (a read never scans reviews).
   */
  async refresh(productId: string): Promise<void> {
    const seq = await this.numberChange(productId);
    const buckets = ratingBuckets(await this.reviews.ratingCounts(productId));
    const count = buckets.reduce((total, n) => total + n, 0);
    const sum = buckets.reduce((total, n, index) => total + n * (index + 1), 0);
    await this.collections.ratingSummaries.updateOne(
      { _id: productId, appliedSeq: { $lt: seq } },
      { $set: { count, sum, buckets, appliedSeq: seq } },
    );
  }
}
