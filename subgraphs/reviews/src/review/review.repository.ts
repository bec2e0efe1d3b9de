import { badUserInput } from "@cartograph/service-kit";
import { pageCursor, readsDescending, type CursorKey, type PageRequest } from "@cartograph/service-kit/graphql";
import type { Filter } from "mongodb";
import type { ReviewDocument, ReviewsCollections } from "../db";
import { erasedAuthorId } from "./review.rules";

/** Newest first, the id breaking ties: the cursor is (createdAt in ms, id). */
export const reviewCursorOf = (review: ReviewDocument): CursorKey => [review.createdAt.getTime(), review._id];

export class ReviewRepository {
  constructor(private readonly collections: ReviewsCollections) {}

  /** Inserts, or throws MongoDB's duplicate key error if the author already reviewed the product. */
  async insert(review: ReviewDocument): Promise<void> {
    await this.collections.reviews.insertOne(review);
  }

  findByIds(ids: readonly string[]): Promise<ReviewDocument[]> {
    return this.collections.reviews.find({ _id: { $in: [...ids] } }).toArray();
  }

  findById(id: string): Promise<ReviewDocument | null> {
    return this.collections.reviews.findOne({ _id: id });
  }

  /** Deletes and returns the review, or null if it was already gone. */
  delete(id: string): Promise<ReviewDocument | null> {
    return this.collections.reviews.findOneAndDelete({ _id: id });
  }

  /** One page (plus one row, to tell whether another follows) of the reviews matching `scope`. */
  page(scope: Pick<Filter<ReviewDocument>, "productId" | "authorId">, page: PageRequest): Promise<ReviewDocument[]> {
    const filter: Filter<ReviewDocument> = { ...scope };
    // Newest first; a backward page (`last`/`before`) reads oldest first from its cursor.
    const descending = readsDescending(page, true);
    const cursor = pageCursor(page);
    if (cursor) {
      const argument = page.backward ? "before" : "after";
      const [createdAtMs, id] = cursor;
      if (typeof createdAtMs !== "number" || !Number.isFinite(createdAtMs) || typeof id !== "string") {
        throw badUserInput(`The \`${argument}\` cursor is malformed.`, argument);
      }
      const createdAt = new Date(createdAtMs);
      const beyond = descending ? "$lt" : "$gt";
      filter.$or = [{ createdAt: { [beyond]: createdAt } }, { createdAt, _id: { [beyond]: id } }];
    }
    const order = descending ? -1 : 1;
    return this.collections.reviews
      .find(filter)
      .sort({ createdAt: order, _id: order })
      .limit(page.limit + 1)
      .toArray();
  }

  count(scope: Pick<Filter<ReviewDocument>, "productId" | "authorId">): Promise<number> {
    return this.collections.reviews.countDocuments(scope);
  }

  /** Every review the author wrote, oldest first (their data export). */
  byAuthor(authorId: string): Promise<ReviewDocument[]> {
    return this.collections.reviews.find({ authorId }).sort({ createdAt: 1, _id: 1 }).toArray();
  }

  /**
   * Keeps the review, rating and words, without its author; true when this call changed it
   * (false when it was anonymised already, or is someone else's).
   */
  async anonymise(review: Pick<ReviewDocument, "_id" | "authorId">, at: Date): Promise<boolean> {
    const result = await this.collections.reviews.updateOne(
      { _id: review._id, authorId: review.authorId },
      { $set: { authorId: erasedAuthorId(review._id), authorErasedAt: at } },
    );
    return result.modifiedCount === 1;
  }

  /** Marks the author's reviews of these products verified (after a paid order). */
  async markVerified(authorId: string, productIds: readonly string[]): Promise<void> {
    await this.collections.reviews.updateMany(
      { authorId, productId: { $in: [...productIds] }, verifiedPurchase: false },
      { $set: { verifiedPurchase: true } },
    );
  }

  /** Per-rating review counts of one product (one accumulator per `$group`: FerretDB's limit). */
  async ratingCounts(productId: string): Promise<Array<{ rating: number; count: number }>> {
    const rows = await this.collections.reviews
      .aggregate<{ _id: number; count: number }>([
        { $match: { productId } },
        { $group: { _id: "$rating", count: { $sum: 1 } } },
      ])
      .toArray();
    return rows.map((row) => ({ rating: row._id, count: row.count }));
  }
}
