import { forbidden, newId } from "@cartograph/service-kit";
import { hasRole, Role, type Viewer } from "@cartograph/service-kit/auth";
import {
  buildConnection,
  lazy,
  parsePageArgs,
  type PageArgsInput,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import { isDuplicateKeyError } from "@cartograph/service-kit/mongo";
import type { CatalogueRepository } from "../catalogue/catalogue.repository";
import type { ReviewDocument } from "../db";
import type { PurchaseRepository } from "../purchase/purchase.repository";
import type { RatingRepository } from "../rating/rating.repository";
import type { ReviewAnnouncer } from "./review.events";
import { addReviewInputSchema } from "./review.rules";
import { reviewCursorOf, type ReviewRepository } from "./review.repository";

export class ReviewService {
  constructor(
    private readonly reviews: ReviewRepository,
    private readonly ratings: RatingRepository,
    private readonly purchases: PurchaseRepository,
    private readonly catalogue: CatalogueRepository,
    private readonly announcer: ReviewAnnouncer,
  ) {}

  async addReview(viewer: Viewer, input: unknown): Promise<Outcome<ReviewDocument>> {
    const valid = validateInput(addReviewInputSchema, input, ["input"]);
    if (!valid.ok) return valid;
    const { productId, rating, title, body } = valid.value;
    if (!(await this.catalogue.isActive(productId))) {
      return refuse(userError(UserErrorCode.NOT_FOUND, "No product on sale has this id.", ["input", "productId"]));
    }
    const review: ReviewDocument = {
      _id: newId("rev"),
      productId,
      authorId: viewer.userId,
      rating,
      title,
      body,
      verifiedPurchase: await this.purchases.hasBought(viewer.userId, productId),
      createdAt: new Date(),
    };
    try {
      await this.reviews.insert(review);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // A retry after a failure between insert and summary lands here: let it heal the summary.
      await this.ratings.refresh(productId);
      return refuse(
        userError(UserErrorCode.ALREADY_REVIEWED, "You have already reviewed this product.", ["input", "productId"]),
      );
    }
    if (!review.verifiedPurchase && (await this.purchases.hasBought(viewer.userId, productId))) {
      // The order was paid between the check and the insert, and its event found no review yet.
      await this.reviews.markVerified(viewer.userId, [productId]);
      review.verifiedPurchase = true;
    }
    await this.ratings.refresh(productId);
    await this.announcer.reviewAdded(review);
    return succeed(review);
  }

  /** The author or an admin; anyone else is FORBIDDEN. */
  async deleteReview(viewer: Viewer, reviewId: string): Promise<Outcome<true>> {
    const review = await this.reviews.findById(reviewId);
    if (!review) return refuse(userError(UserErrorCode.NOT_FOUND, "No review has this id.", ["id"]));
    if (review.authorId !== viewer.userId && !hasRole(viewer, Role.ADMIN))
      throw forbidden("Only the review's author or an admin can delete it.");
    const deleted = await this.reviews.delete(reviewId);
    if (!deleted) {
      // Deleted meanwhile (a concurrent or retried call): make sure its summary caught up.
      await this.ratings.refresh(review.productId);
      return refuse(userError(UserErrorCode.NOT_FOUND, "No review has this id.", ["id"]));
    }
    await this.ratings.refresh(deleted.productId);
    await this.announcer.reviewDeleted(deleted);
    return succeed(true);
  }

  listReviews(
    scope: { productId: string } | { authorId: string },
    args: PageArgsInput,
  ): Promise<Connection<ReviewDocument>> {
    const page = parsePageArgs(args, 2);
    return this.reviews.page(scope, page).then((rows) =>
      buildConnection(
        rows,
        page,
        lazy(() => this.reviews.count(scope)),
        reviewCursorOf,
      ),
    );
  }

  /** A paid order's products become verified purchases, and the buyer's reviews of them verified. */
  async recordPurchase(userId: string, productIds: readonly string[], paidAt: Date): Promise<void> {
    await this.purchases.record(userId, productIds, paidAt);
    await this.reviews.markVerified(userId, productIds);
  }
}
