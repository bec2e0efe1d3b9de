import { newId, serviceUnavailable, type Logger } from "@cartograph/service-kit";
import { type Viewer } from "@cartograph/service-kit/auth";
import {
  refuse,
  succeed,
  userError,
  UserErrorCode,
  validateInput,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { PaymentsDb, PaymentsTransaction } from "../db";
import type { PaymentRow } from "../db/schema";
import type { PaymentGateway, RefundRequest, RefundResult } from "../gateway/payment-gateway";
import { announcePaymentRefunded } from "./payment.events";
import { PaymentRepository } from "./payment.repository";
import {
  isRefundable,
  publicStatus,
  refundableOf,
  refundAmountOf,
  refundReasonSchema,
  statusAfterRefund,
} from "./payment.rules";

export interface RefundCommand {
  paymentId: string;
  /** A decimal string in the payment's currency; omitted for everything that is left. */
  amount?: string | null;
  reason?: string | null;
}

const statusWords: Record<PaymentRow["status"], string> = {
  PENDING: "not charged yet",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  REFUNDED: "already fully refunded",
  PARTIALLY_REFUNDED: "partially refunded",
  CANCELLED: "cancelled",
};

/** Payments as the API shows them, and refunds. */
export class PaymentService {
  private readonly payments: PaymentRepository;

  constructor(
    private readonly db: PaymentsDb,
    private readonly gateway: PaymentGateway,
    private readonly log: Logger,
  ) {
    this.payments = new PaymentRepository(db);
  }

  /**
   * Gives money back through the gateway: everything left, or part of it. The payment row stays
   * locked from the check to the commit, so refunds of one payment take turns and together never
   * exceed what was paid (the table's CHECK says so too).
   */
  async refundPayment(admin: Viewer, command: RefundCommand): Promise<Outcome<PaymentRow>> {
    const reason = validateInput(refundReasonSchema, command.reason ?? null, ["reason"]);
    if (!reason.ok) return reason;
    return this.db.transaction(async (tx) => {
      const payment = await this.payments.lockById(tx, command.paymentId);
      if (!payment || !publicStatus(payment.status))
        return refuse(userError(UserErrorCode.NOT_FOUND, "There is no payment with this id.", ["paymentId"]));
      if (!isRefundable(payment.status)) {
        return refuse(
          userError(
            UserErrorCode.INVALID_STATE,
            `Only a succeeded payment can be refunded; this one is ${statusWords[payment.status]}.`,
            ["paymentId"],
          ),
        );
      }
      const amount = refundAmountOf(command.amount, refundableOf(payment), payment.currencyCode);
      if (!amount.ok) return amount;

      return this.refundLocked(tx, payment, { amount: amount.value, reason: reason.value, actor: admin.userId });
    });
  }

  /**
   * Refunds `amount` (minor units, within what is refundable) of a payment the caller has locked
   * in `tx`: the gateway's refund, the Refund row, the new status and `payment.refunded`, together.
   */
  async refundLocked(
    tx: PaymentsTransaction,
    payment: PaymentRow,
    refund: { amount: number; reason: string | null; actor: string },
  ): Promise<Outcome<PaymentRow>> {
    // Numbered by the refunds recorded so far: if our transaction rolled back after the gateway
    // refunded, the retry reuses the key and gets that refund back instead of a second one.
    const refundNumber = (await this.payments.countRefunds(tx, payment.id)) + 1;
    const result = await this.callGateway({
      idempotencyKey: `${payment.id}:refund:${refundNumber}`,
      chargeId: payment.gatewayChargeId!,
      amount: refund.amount,
      currencyCode: payment.currencyCode,
    });
    if (result.status === "failed")
      return refuse(
        userError(UserErrorCode.PAYMENT_DECLINED, `The payment gateway refused the refund: ${result.message}`),
      );

    const recorded = await this.payments.insertRefund(tx, {
      id: newId("ref"),
      paymentId: payment.id,
      amount: result.amount,
      currencyCode: result.currencyCode,
      reason: refund.reason,
      gatewayRefundId: result.refundId,
      actor: refund.actor,
    });
    const refundedAfter = payment.refundedAmount + recorded.amount;
    const updated = await this.payments.recordRefunded(
      tx,
      payment.id,
      refundedAfter,
      statusAfterRefund(payment, refundedAfter),
    );
    await announcePaymentRefunded(tx, updated, recorded);
    return succeed(updated);
  }

  private async callGateway(request: RefundRequest): Promise<RefundResult> {
    try {
      return await this.gateway.refund(request);
    } catch (error) {
      // Unreachable or confused: nothing was recorded here, and the same key is safe to retry.
      this.log.error({ err: error, chargeId: request.chargeId }, "payment gateway refund call failed");
      throw serviceUnavailable("The payment gateway is unavailable. Nothing was refunded; try again shortly.");
    }
  }
}
