import type { PaymentsDb, PaymentsExecutor } from "../db";
import type { InvoiceRow, PaymentRow } from "../db/schema";
import { InvoiceRepository } from "./invoice.repository";
import { formatInvoiceNumber, invoiceLinesOf } from "./invoice.rules";

/** Invoices: one per paid order, numbered without gaps. */
export class InvoiceService {
  private readonly invoices: InvoiceRepository;

  constructor(db: PaymentsDb) {
    this.invoices = new InvoiceRepository(db);
  }

  /** Issues the invoice of a payment that just succeeded, inside the transaction that records it. */
  async issueFor(tx: PaymentsExecutor, payment: PaymentRow): Promise<InvoiceRow> {
    const sequence = await this.invoices.takeNextNumber(tx);
    return this.invoices.insert(tx, {
      number: formatInvoiceNumber(sequence),
      paymentId: payment.id,
      orderId: payment.orderId,
      lines: invoiceLinesOf(payment.lines),
      total: payment.amount,
      currencyCode: payment.currencyCode,
    });
  }
}
