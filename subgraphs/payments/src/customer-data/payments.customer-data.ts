import type { CustomerDataHandlers } from "@cartograph/events";
import type { PaymentsDb, PaymentsExecutor } from "../db";
import { InvoiceRepository } from "../invoice/invoice.repository";
import { PaymentRepository } from "../payment/payment.repository";

const iso = (at: Date | null) => at && at.toISOString();

/**
 * Payments' part of a customer's data request: their payments, refunds and invoices. All three
 * are accounting records and stay after deletion, keyed by `user_id`: a random id that maps to
 * nobody once users has anonymised the account. What is personal and not needed goes: the card's
 * last four digits (with the brand and date they narrow down whose card it was; reconciliation
 * and chargebacks go by the gateway's charge id) and any leftover payment token. The brand stays:
 * it says which scheme's fees and reports a payment belongs to, and identifies nobody.
 */
export class PaymentsCustomerData implements CustomerDataHandlers<PaymentsExecutor> {
  private readonly payments: PaymentRepository;
  private readonly invoices: InvoiceRepository;

  constructor(db: PaymentsDb) {
    this.payments = new PaymentRepository(db);
    this.invoices = new InvoiceRepository(db);
  }

  // Never the token nor the gateway's ids: card data beyond brand and last four stays out.
  async exportCustomerData(tx: PaymentsExecutor, userId: string) {
    const paid = await this.payments.allOfUser(tx, userId);
    const ids = paid.map((payment) => payment.id);
    const refunds = ids.length ? await this.payments.refundsOf(ids, tx) : [];
    const invoices = ids.length ? await this.invoices.findByPaymentIds(ids, tx) : [];
    return {
      payments: paid.map((payment) => ({
        id: payment.id,
        orderId: payment.orderId,
        amount: { amount: payment.amount, currencyCode: payment.currencyCode },
        refunded: { amount: payment.refundedAmount, currencyCode: payment.currencyCode },
        status: payment.status,
        cardBrand: payment.cardBrand,
        cardLast4: payment.cardLast4,
        failureReason: payment.failureReason,
        createdAt: iso(payment.createdAt),
        paidAt: iso(payment.paidAt),
      })),
      // Not `actor`: that is the id of the staff member who refunded, not the customer's data.
      refunds: refunds.map((refund) => ({
        id: refund.id,
        paymentId: refund.paymentId,
        amount: { amount: refund.amount, currencyCode: refund.currencyCode },
        reason: refund.reason,
        createdAt: iso(refund.createdAt),
      })),
      invoices: invoices.map((invoice) => ({
        number: invoice.number,
        orderId: invoice.orderId,
        lines: invoice.lines,
        total: { amount: invoice.total, currencyCode: invoice.currencyCode },
        issuedAt: iso(invoice.issuedAt),
      })),
    };
  }

  async eraseCustomerData(tx: PaymentsExecutor, userId: string) {
    return { paymentsAnonymised: await this.payments.anonymiseOfUser(tx, userId) };
  }
}
