import { queueNames, startConsumer, type Broker, type Consumer, type EventData } from "@cartograph/events";
import { enqueueEvent, postgresIdempotencyStore } from "@cartograph/events/postgres";
import type { Logger } from "@cartograph/service-kit";
import type { InventoryDb, InventoryTransaction } from "../db";
import type { ReservationService, Shortage } from "./reservation.service";

export const CHECKOUT_PURPOSE = "checkout";

/** `<owner>.checkout` (and its retry and dead-letter queues). */
export const checkoutQueues = (queueOwner: string) => queueNames(queueOwner, CHECKOUT_PURPOSE);

// What inventory announces. Each is written to the outbox in the transaction that made it true.

export function announceStockReserved(tx: InventoryTransaction, orderId: string) {
  return enqueueEvent(tx, { type: "inventory.reserved", aggregateId: orderId, data: { orderId } });
}

export function announceStockRejected(tx: InventoryTransaction, orderId: string, shortages: Shortage[]) {
  return enqueueEvent(tx, { type: "inventory.rejected", aggregateId: orderId, data: { orderId, shortages } });
}

const CHECKOUT_EVENT_TYPES = ["order.placed", "order.paid", "order.cancelled", "order.refunded"] as const;

/**
 * Inventory's steps of the checkout saga (docs/architecture.md): answers `order.placed` with a
 * reservation or a rejection, and commits, releases or restocks it as the order moves on. Each
 * handler runs in the consumer's transaction, which also marks the event processed, so an effect
 * and the events announcing it commit together (outbox) or not at all.
 */
export function startCheckoutConsumer(options: {
  broker: Broker;
  db: InventoryDb;
  log: Logger;
  queueOwner: string;
  reservations: ReservationService;
}): Promise<Consumer> {
  const { reservations, log } = options;

  // Announces each order's answer once: only the call that decided it emits. The answer commits
  // with the decision, so the outbox is sure to publish it; a later `order.placed` for the same
  // order (a new envelope) gets no second answer, which could only repeat the first — or, after
  // the hold expired, claim a reservation that no longer exists.
  async function answerPlacedOrder(tx: InventoryTransaction, order: EventData<"order.placed">): Promise<void> {
    const { outcome, decidedNow } = await reservations.decideOrder(tx, order.orderId, order.lines);
    if (!decidedNow) {
      log.info({ orderId: order.orderId }, "order.placed for an order already answered: not answering again");
      return;
    }
    if (outcome.ok) await announceStockReserved(tx, order.orderId);
    else await announceStockRejected(tx, order.orderId, outcome.shortages);
  }

  // Never throws for a stock problem: the order is paid whatever inventory holds, so retrying
  // would change nothing and only dead-letter the event. An operator resolves it from the error.
  async function commitPaidOrder(tx: InventoryTransaction, orderId: string): Promise<void> {
    const outcome = await reservations.commitPaidOrder(tx, orderId);
    switch (outcome.result) {
      case "committed":
      case "already-committed":
        return;
      case "retaken":
        log.warn(
          { orderId, lines: outcome.lines },
          "paid order's reservation had been released; its units were taken again from available stock",
        );
        return;
      case "short":
        log.error(
          { orderId, shortages: outcome.shortages },
          "paid order's reservation had been released and stock no longer covers it: nothing taken; an operator must resolve it",
        );
        return;
      case "nothing-held":
        log.error(
          { orderId },
          "paid order holds no stock (rejected or never reserved): nothing committed; an operator must resolve it",
        );
        return;
    }
  }

  return startConsumer({
    broker: options.broker,
    store: postgresIdempotencyStore(options.db),
    log,
    service: options.queueOwner,
    purpose: CHECKOUT_PURPOSE,
    eventTypes: CHECKOUT_EVENT_TYPES,
    handle: async (event, tx) => {
      switch (event.type) {
        case "order.placed":
          return answerPlacedOrder(tx, event.data);
        case "order.paid":
          return commitPaidOrder(tx, event.data.orderId);
        case "order.cancelled":
          // Held units go back on sale; units of a paid order cancelled before shipping are restocked.
          await reservations.releaseOrder(tx, event.data.orderId);
          await reservations.restockOrder(tx, event.data.orderId);
          return;
        case "order.refunded":
          await reservations.restockOrder(tx, event.data.orderId);
          return;
      }
    },
  });
}
