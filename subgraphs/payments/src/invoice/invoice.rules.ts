import type { InvoiceLineRecord, PaymentLineRecord } from "../db/schema";

/** `INV-000042`: six digits, zero-padded, growing past a million rather than wrapping. */
export function formatInvoiceNumber(sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 1)
    throw new RangeError(`invoice sequence must be a positive integer, got ${sequence}`);
  return `INV-${String(sequence).padStart(6, "0")}`;
}

/** The order's lines as they were placed, with each line's total (integer minor units). */
export function invoiceLinesOf(lines: readonly PaymentLineRecord[]): InvoiceLineRecord[] {
  return lines.map(({ variantId, quantity, unitPrice }) => ({
    variantId,
    quantity,
    unitPrice,
    lineTotal: quantity * unitPrice,
  }));
}
