import { asc, inArray, sql } from "drizzle-orm";
import type { PaymentsExecutor } from "../db";
import { invoiceCounters, invoices, type InvoiceRow } from "../db/schema";

const INVOICE_COUNTER = "invoice";

export class InvoiceRepository {
  constructor(private readonly db: PaymentsExecutor) {}

  async findByOrderIds(orderIds: readonly string[]): Promise<InvoiceRow[]> {
    return this.db
      .select()
      .from(invoices)
      .where(inArray(invoices.orderId, [...orderIds]));
  }

  async findByPaymentIds(paymentIds: readonly string[], tx: PaymentsExecutor = this.db): Promise<InvoiceRow[]> {
    return tx
      .select()
      .from(invoices)
      .where(inArray(invoices.paymentId, [...paymentIds]))
      .orderBy(asc(invoices.issuedAt), asc(invoices.number));
  }

  /**
   * The next invoice number, taken inside the issuing transaction. The counter row stays locked
   * until that transaction ends, so numbers are handed out in commit order and a rollback gives
   * its number back: no gaps, no duplicates.
   */
  async takeNextNumber(tx: PaymentsExecutor): Promise<number> {
    const [row] = await tx
      .insert(invoiceCounters)
      .values({ name: INVOICE_COUNTER, lastNumber: 1 })
      .onConflictDoUpdate({ target: invoiceCounters.name, set: { lastNumber: sql`${invoiceCounters.lastNumber} + 1` } })
      .returning({ lastNumber: invoiceCounters.lastNumber });
    return row!.lastNumber;
  }

  async insert(tx: PaymentsExecutor, invoice: typeof invoices.$inferInsert): Promise<InvoiceRow> {
    const [row] = await tx.insert(invoices).values(invoice).returning();
    return row!;
  }
}
