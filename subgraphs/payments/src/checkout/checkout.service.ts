import type { EventData } from "@cartograph/events";
import { newId } from "@cartograph/service-kit";
import type { PaymentsDb, PaymentsTransaction } from "../db";
import type { PaymentRow } from "../db/schema";
import type { PaymentGateway } from "../gateway/payment-gateway";
import type { InvoiceService } from "../invoice/invoice.service";
import { announcePaymentFailed, announcePaymentSucceeded } from "../payment/payment.events";
import { PaymentRepository } from "../payment/payment.repository";
import { isRefundable, refundableOf } from "../payment/payment.rules";
import type { PaymentService } from "../payment/payment.service";

/**
 * A saga event about an order payments has not heard of yet: the queues of `order.placed` and
 * of inventory's answer are separate, so the answer can overtake it. Thrown so the consumer
 * retries later, by which time the intent is usually there.
 */
export class PaymentIntentNotYetRecorded extends Error {
  constructor(readonly orderId: string) {
    super(`no payment intent recorded yet for order ${orderId}; will retry`);
    this.name = "PaymentIntentNotYetRecorded";
  }
}

/** Who refunds a paid order its customer cancelled, in the audit trail of refunds. */
export const CANCELLATION_ACTOR = "system:order-cancelled";

/** What a saga step did, for the consumer's log. */
export type ChargeStep =
  | { kind: "charged"; payment: PaymentRow }
  | { kind: "declined"; payment: PaymentRow }
  | { kind: "skipped"; status: PaymentRow["status"] };

/**
 * Payments' part of the checkout saga. Each step runs in the consumer's transaction (which also
 * marks the event processed) and is idempotent per order, whatever envelope carries it.
 */
export class CheckoutService {
  private readonly payments: PaymentRepository;

  constructor(
    db: PaymentsDb,
    private readonly gateway: PaymentGateway,
    private readonly invoices: InvoiceService,
    private readonly refunds: PaymentService,
  ) {
    this.payments = new PaymentRepository(db);
  }

  /** `order.placed`: remembers what to charge once stock is reserved. False if the order already has a payment. */
  async recordIntent(tx: PaymentsTransaction, order: EventData<"order.placed">): Promise<boolean> {
    const { currencyCode } = order.total;
    // One currency per payment: a line priced in another is a producer bug, not something to guess about.
    const foreign = order.lines.find((line) => line.unitPrice.currencyCode !== currencyCode);
    if (foreign)
      throw new Error(
        `order ${order.orderId}: line ${foreign.variantId} is priced in ${foreign.unitPrice.currencyCode}, the total in ${currencyCode}`,
      );
    return this.payments.insertIntent(tx, {
      id: newId("pay"),
      orderId: order.orderId,
      userId: order.userId,
      amount: order.total.amount,
      currencyCode,
      paymentToken: order.paymentToken,
      lines: order.lines.map((line) => ({
        variantId: line.variantId,
        productId: line.productId,
        quantity: line.quantity,
        unitPrice: line.unitPrice.amount,
      })),
    });
  }

  /**
   * `inventory.reserved`: charges the order once. The row lock makes a concurrent second
   * delivery wait and then find the payment settled; the order id as idempotency key makes the
   * gateway answer a retry after a rollback with the first charge instead of a second one.
   */
  async chargeOrder(tx: PaymentsTransaction, orderId: string): Promise<ChargeStep> {
    const payment = await this.payments.lockByOrderId(tx, orderId);
    if (!payment) throw new PaymentIntentNotYetRecorded(orderId);
    if (payment.status !== "PENDING") return { kind: "skipped", status: payment.status };
    if (!payment.paymentToken) throw new Error(`payment ${payment.id} is PENDING without a token`);

    const result = await this.gateway.charge({
      idempotencyKey: orderId,
      amount: payment.amount,
      currencyCode: payment.currencyCode,
      token: payment.paymentToken,
    });
    if (result.status === "declined") {
      const failed = await this.payments.markFailed(tx, payment.id, result.message);
      await announcePaymentFailed(tx, failed, result.message);
      return { kind: "declined", payment: failed };
    }
    if (result.amount !== payment.amount || result.currencyCode !== payment.currencyCode) {
      // Never record a charge that differs from the order: a person must look at this one.
      throw new Error(
        `gateway charged ${result.amount} ${result.currencyCode} for order ${orderId}, which costs ${payment.amount} ${payment.currencyCode}`,
      );
    }
    const paid = await this.payments.markSucceeded(tx, payment.id, result);
    await this.invoices.issueFor(tx, paid);
    await announcePaymentSucceeded(tx, paid);
    return { kind: "charged", payment: paid };
  }

  /**
   * `inventory.rejected`: the order will never be charged, so the token is dropped and a late
   * `inventory.reserved` finds nothing PENDING. False if the payment had already left PENDING.
   */
  async cancelIntent(tx: PaymentsTransaction, orderId: string): Promise<boolean> {
    const payment = await this.payments.lockByOrderId(tx, orderId);
    if (!payment) throw new PaymentIntentNotYetRecorded(orderId);
    if (payment.status !== "PENDING") return false;
    await this.payments.markCancelled(tx, payment.id);
    return true;
  }

  /**
   * `order.cancelled` (by the customer, or by the saga): an intent still PENDING is never charged;
   * a paid order gets back everything not yet refunded. Orders lets a PAID order be cancelled
   * before shipping ("refunded"), and inventory's reservation may reach us before a customer's
   * cancellation of a PENDING order does, so both cases happen.
   */
  async cancelOrder(
    tx: PaymentsTransaction,
    orderId: string,
    reason: string,
  ): Promise<"cancelled" | "refunded" | "unchanged"> {
    const payment = await this.payments.lockByOrderId(tx, orderId);
    if (!payment) throw new PaymentIntentNotYetRecorded(orderId);
    if (payment.status === "PENDING") {
      await this.payments.markCancelled(tx, payment.id);
      return "cancelled";
    }
    if (!isRefundable(payment.status)) return "unchanged";
    const refunded = await this.refunds.refundLocked(tx, payment, {
      amount: refundableOf(payment),
      reason: `Order cancelled: ${reason}`,
      actor: CANCELLATION_ACTOR,
    });
    // A gateway refusing to refund a charge it made needs a person: retry, then the DLQ.
    if (!refunded.ok)
      throw new Error(
        `refund of cancelled order ${orderId} refused: ${refunded.errors.map((e) => e.message).join("; ")}`,
      );
    return "refunded";
  }
}
