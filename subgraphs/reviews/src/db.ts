import { ensureInboxIndexes } from "@cartograph/events/mongo";
import type { Db } from "mongodb";

export interface ReviewDocument {
  _id: string;
  productId: string;
  /** The author's user id, or `erasedAuthorId(_id)` once they deleted their account (review.rules.ts). */
  authorId: string;
  /** 1..5 */
  rating: number;
  title: string;
  body: string;
  verifiedPurchase: boolean;
  createdAt: Date;
  /** When the author's account was deleted and the review kept without them. */
  authorErasedAt?: Date;
}

/**
 * One product's ratings, recomputed from its reviews after every change (never on read).
 * `changeSeq` counts changes; a recompute that saw change n writes only over one older than n,
 * so concurrent recomputes cannot leave a stale summary behind.
 */
export interface RatingSummaryDocument {
  _id: string;
  count: number;
  sum: number;
  /** Reviews per rating, index 0 = one star. */
  buckets: number[];
  changeSeq: number;
  appliedSeq: number;
}

/** A user bought a product (a PAID order contained it): `<userId>|<productId>`. */
export interface VerifiedPurchaseDocument {
  _id: string;
  userId: string;
  productId: string;
  firstPaidAt: Date;
}

export function reviewsCollections(db: Db) {
  return {
    reviews: db.collection<ReviewDocument>("reviews"),
    ratingSummaries: db.collection<RatingSummaryDocument>("rating_summaries"),
    verifiedPurchases: db.collection<VerifiedPurchaseDocument>("verified_purchases"),
  };
}

export type ReviewsCollections = ReturnType<typeof reviewsCollections>;

/** `pnpm migrate` for MongoDB: the indexes every query relies on (idempotent). */
export async function ensureReviewsIndexes(db: Db): Promise<void> {
  await ensureInboxIndexes(db);
  const { reviews } = reviewsCollections(db);
  // One review per user and product: the database enforces it, not a read-then-write.
  await reviews.createIndex({ productId: 1, authorId: 1 }, { unique: true, name: "one_review_per_user_and_product" });
  // Newest first, by product and by author, with the id as the stable tiebreak of the cursor.
  await reviews.createIndex({ productId: 1, createdAt: -1, _id: -1 }, { name: "product_newest_first" });
  await reviews.createIndex({ authorId: 1, createdAt: -1, _id: -1 }, { name: "author_newest_first" });
}
