import { queueNames, startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { PaymentsDb } from "../db";
import type { CheckoutService } from "./checkout.service";

export const CHECKOUT_PURPOSE = "checkout";

/** `payments.checkout` (and its retry and dead-letter queues) for a queue owner. */
export const checkoutQueues = (owner: string) => queueNames(owner, CHECKOUT_PURPOSE);

/**
 * Inventory's answer often overtakes `order.placed` (different queues), so the first retries
 * come quickly, and they outlast `order.placed`'s own retries (about a minute) before giving up.
 */
const RETRY_DELAYS_MS = [250, 1000, 2000, 5000, 10_000, 30_000] as const;
const MAX_ATTEMPTS = 10;

/** Payments' part of the checkout saga: record the intent, charge once stock is reserved, or drop it; refund a cancelled paid order. */
export function startCheckoutConsumer(options: {
  broker: Broker;
  db: PaymentsDb;
  log: Logger;
  queueOwner: string;
  checkout: CheckoutService;
}): Promise<Consumer> {
  const { checkout, log } = options;
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log,
    service: options.queueOwner,
    purpose: CHECKOUT_PURPOSE,
    eventTypes: ["order.placed", "inventory.reserved", "inventory.rejected", "order.cancelled"],
    retryDelaysMs: RETRY_DELAYS_MS,
    maxAttempts: MAX_ATTEMPTS,
    handle: async (event, tx) => {
      const { orderId } = event.data;
      switch (event.type) {
        case "order.placed":
          if (!(await checkout.recordIntent(tx, event.data)))
            log.info({ orderId }, "order.placed for an order that already has a payment: ignored");
          return;
        case "inventory.reserved": {
          const step = await checkout.chargeOrder(tx, orderId);
          if (step.kind === "skipped")
            log.info(
              { orderId, status: step.status },
              "inventory.reserved for a payment no longer pending: not charged again",
            );
          else log.info({ orderId, paymentId: step.payment.id, outcome: step.kind }, "order charged");
          return;
        }
        case "inventory.rejected":
          if (!(await checkout.cancelIntent(tx, orderId)))
            log.warn({ orderId }, "inventory.rejected for a payment no longer pending: ignored");
          return;
        case "order.cancelled":
          log.info({ orderId, outcome: await checkout.cancelOrder(tx, orderId, event.data.reason) }, "order cancelled");
          return;
      }
    },
  });
}
