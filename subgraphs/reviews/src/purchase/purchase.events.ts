import { startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { mongoIdempotencyStore } from "@cartograph/events/mongo";
import type { Logger } from "@cartograph/service-kit";
import type { Db } from "mongodb";
import type { ReviewService } from "../review/review.service";

/** `reviews.purchases`: paid orders make their products verified purchases of the buyer. */
export function startPurchaseConsumer(options: {
  broker: Broker;
  db: Db;
  log: Logger;
  queueOwner: string;
  reviews: ReviewService;
}): Promise<Consumer> {
  return startConsumer({
    broker: options.broker,
    store: mongoIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "purchases",
    eventTypes: ["order.paid"],
    handle: (event) =>
      options.reviews.recordPurchase(
        event.data.userId,
        [...new Set(event.data.lines.map((line) => line.productId))],
        new Date(event.data.paidAt),
      ),
  });
}
