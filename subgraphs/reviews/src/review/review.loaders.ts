import { rowsByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { RatingSummaryDocument, ReviewDocument } from "../db";
import type { RatingRepository } from "../rating/rating.repository";
import type { ReviewRepository } from "./review.repository";

export interface ReviewLoaders {
  reviewById: DataLoader<string, ReviewDocument | null>;
  /** Null for a product nobody has reviewed. */
  ratingByProductId: DataLoader<string, RatingSummaryDocument | null>;
}

/** Per request: one MongoDB query per kind however many references a query plan sends. */
export function createReviewLoaders(reviews: ReviewRepository, ratings: RatingRepository): ReviewLoaders {
  return {
    reviewById: new DataLoader(async (ids) => rowsByKey(ids, await reviews.findByIds(ids), (row) => row._id)),
    ratingByProductId: new DataLoader(async (ids) =>
      rowsByKey(ids, await ratings.findByProductIds(ids), (row) => row._id),
    ),
  };
}
