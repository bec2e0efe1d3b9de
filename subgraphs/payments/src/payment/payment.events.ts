import { enqueueEvent } from "@cartograph/events/postgres";
import type { PaymentsExecutor } from "../db";
import type { PaymentRow, RefundRow } from "../db/schema";

// What payments announces. Each is written to the outbox in the transaction that made it true.

export function announcePaymentSucceeded(tx: PaymentsExecutor, payment: PaymentRow) {
  return enqueueEvent(tx, {
    type: "payment.succeeded",
    aggregateId: payment.orderId,
    data: {
      orderId: payment.orderId,
      paymentId: payment.id,
      amount: { amount: payment.amount, currencyCode: payment.currencyCode },
    },
  });
}

export function announcePaymentFailed(tx: PaymentsExecutor, payment: PaymentRow, reason: string) {
  return enqueueEvent(tx, {
    type: "payment.failed",
    aggregateId: payment.orderId,
    data: { orderId: payment.orderId, paymentId: payment.id, reason },
  });
}

export function announcePaymentRefunded(tx: PaymentsExecutor, payment: PaymentRow, refund: RefundRow) {
  return enqueueEvent(tx, {
    type: "payment.refunded",
    aggregateId: payment.orderId,
    data: {
      orderId: payment.orderId,
      paymentId: payment.id,
      refundId: refund.id,
      amount: { amount: refund.amount, currencyCode: refund.currencyCode },
      fullyRefunded: payment.status === "REFUNDED",
    },
  });
}
