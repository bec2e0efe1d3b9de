import { enqueueEvent } from "@cartograph/events/postgres";
import type { OrdersExecutor } from "../db";
import type { OrderLineRow, OrderRow } from "../db/schema";
import { OrderStatus } from "./order.state";

// What orders announces. Each is written to the outbox in the transaction that made it true.

type LineSnapshot = Pick<OrderLineRow, "variantId" | "productId" | "quantity" | "unitPrice">;

const linesOf = (order: OrderRow, lines: LineSnapshot[]) =>
  lines.map((line) => ({
    variantId: line.variantId,
    productId: line.productId,
    quantity: line.quantity,
    unitPrice: { amount: line.unitPrice, currencyCode: order.currencyCode },
  }));

/** A new PENDING order: the saga starts here (inventory reserves, payments waits for it). */
export async function announceOrderPlaced(
  tx: OrdersExecutor,
  order: OrderRow,
  lines: LineSnapshot[],
  paymentToken: string,
) {
  await enqueueEvent(tx, {
    type: "order.placed",
    aggregateId: order.id,
    data: {
      orderId: order.id,
      userId: order.userId,
      lines: linesOf(order, lines),
      total: { amount: order.total, currencyCode: order.currencyCode },
      paymentToken,
    },
  });
  await announceStatusChanged(tx, order, OrderStatus.PENDING, null, null, order.placedAt);
}

/** Every status change, for the order's live subscription. */
export function announceStatusChanged(
  tx: OrdersExecutor,
  order: OrderRow,
  status: OrderStatus,
  previousStatus: OrderStatus | null,
  reason: string | null,
  at: Date,
) {
  return enqueueEvent(tx, {
    type: "order.status_changed",
    aggregateId: order.id,
    data: { orderId: order.id, userId: order.userId, status, previousStatus, reason, at: at.toISOString() },
  });
}

/** Paid: inventory commits the held units, reviews and recommendations learn who bought what. */
export function announceOrderPaid(tx: OrdersExecutor, order: OrderRow, lines: LineSnapshot[], paidAt: Date) {
  return enqueueEvent(tx, {
    type: "order.paid",
    aggregateId: order.id,
    data: { orderId: order.id, userId: order.userId, lines: linesOf(order, lines), paidAt: paidAt.toISOString() },
  });
}

/** Cancelled: inventory releases or restocks, payments refunds what was charged. */
export function announceOrderCancelled(tx: OrdersExecutor, order: OrderRow, reason: string) {
  return enqueueEvent(tx, {
    type: "order.cancelled",
    aggregateId: order.id,
    data: { orderId: order.id, userId: order.userId, reason },
  });
}

/** Fully refunded: inventory restocks. */
export function announceOrderRefunded(tx: OrdersExecutor, order: OrderRow) {
  return enqueueEvent(tx, {
    type: "order.refunded",
    aggregateId: order.id,
    data: { orderId: order.id, userId: order.userId },
  });
}
