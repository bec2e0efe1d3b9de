import { newEnvelope, type Broker } from "@cartograph/events";
import type { Logger } from "@cartograph/service-kit";
import type { ReviewDocument } from "../db";

/**
 * What reviews announces: a review written or deleted, so the router evicts the product's cached
 * rating and reviews. Published straight to the exchange after the write, since MongoDB gives
 * this service no transactional outbox: a publish that fails is logged, and the router's cache
 * TTL for reviews (60 s) bounds how long a stale rating can be served.
 */
export class ReviewAnnouncer {
  constructor(
    private readonly broker: Pick<Broker, "publishEvent">,
    private readonly log: Logger,
  ) {}

  reviewAdded(review: ReviewDocument): Promise<void> {
    return this.announce("review.added", review);
  }

  reviewDeleted(review: ReviewDocument): Promise<void> {
    return this.announce("review.deleted", review);
  }

  private async announce(type: "review.added" | "review.deleted", review: ReviewDocument): Promise<void> {
    const data = { reviewId: review._id, productId: review.productId, authorId: review.authorId };
    try {
      await this.broker.publishEvent(newEnvelope({ type, aggregateId: review.productId, data }));
    } catch (error) {
      this.log.warn({ err: error, type, reviewId: review._id }, "could not announce a review change");
    }
  }
}
