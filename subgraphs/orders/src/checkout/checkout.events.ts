import { startConsumer, type Broker, type Consumer } from "@cartograph/events";
import { postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { OrdersDb, OrdersExecutor } from "../db";
import type { OrderService, TransitionResult } from "../order/order.service";
import { OrderCancellationReason, OrderStatus } from "../order/order.state";
import type { CheckoutService } from "./checkout.service";

/**
 * Orders' side of the checkout saga: inventory's and payments' answers move the order along the
 * transition table; a checkout that fails (out of stock, declined) gives the customer's cart back. Each event is applied once (idempotent consumer); one that no longer fits
 * the order's status is ignored by the table.
 */
export function startCheckoutConsumer(options: {
  broker: Broker;
  db: OrdersDb;
  log: Logger;
  queueOwner: string;
  orders: OrderService;
  checkout: CheckoutService;
}): Promise<Consumer> {
  const { orders, checkout } = options;
  // A failed checkout gives the customer their cart back, once: only the move that cancelled it does.
  const giveCartBackIfCancelled = async (tx: OrdersExecutor, result: TransitionResult | null) => {
    if (result?.applied) await checkout.giveCartBack(tx, result.order);
  };
  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log: options.log,
    service: options.queueOwner,
    purpose: "checkout",
    eventTypes: ["inventory.reserved", "inventory.rejected", "payment.succeeded", "payment.failed", "payment.refunded"],
    // An overtaking payment answer waits for inventory's: retry soon and for a while.
    retryDelaysMs: [200, 500, 1000, 2000, 5000, 10_000],
    maxAttempts: 12,
    handle: async (event, tx) => {
      switch (event.type) {
        case "inventory.reserved":
          await orders.transition(tx, event.data.orderId, OrderStatus.RESERVED, null, {
            onlyFrom: [OrderStatus.PENDING],
          });
          return;
        case "inventory.rejected":
          await giveCartBackIfCancelled(
            tx,
            await orders.transition(tx, event.data.orderId, OrderStatus.CANCELLED, "Out of stock", {
              onlyFrom: [OrderStatus.PENDING],
              cancellationReason: OrderCancellationReason.OUT_OF_STOCK,
            }),
          );
          return;
        case "payment.succeeded":
          await orders.transition(tx, event.data.orderId, OrderStatus.PAID, null, {
            onlyFrom: [OrderStatus.RESERVED],
            notYetIn: [OrderStatus.PENDING],
          });
          return;
        case "payment.failed":
          await giveCartBackIfCancelled(
            tx,
            await orders.transition(
              tx,
              event.data.orderId,
              OrderStatus.CANCELLED,
              `Payment declined: ${event.data.reason}`,
              {
                onlyFrom: [OrderStatus.RESERVED],
                notYetIn: [OrderStatus.PENDING],
                cancellationReason: OrderCancellationReason.PAYMENT_DECLINED,
              },
            ),
          );
          return;
        case "payment.refunded":
          if (event.data.fullyRefunded)
            await orders.transition(tx, event.data.orderId, OrderStatus.REFUNDED, "Fully refunded");
          return;
      }
    },
  });
}
