import DataLoader from "dataloader";
import type { PaymentsServices } from "../context";
import type { InvoiceRow, PaymentRow, RefundRow } from "../db/schema";

export interface PaymentLoaders {
  paymentById: DataLoader<string, PaymentRow | null>;
  /** Null for an order payments has never heard of. */
  paymentByOrderId: DataLoader<string, PaymentRow | null>;
  refundsByPaymentId: DataLoader<string, RefundRow[]>;
  invoiceByOrderId: DataLoader<string, InvoiceRow | null>;
}

function byKey<V>(keys: readonly string[], rows: V[], keyOf: (row: V) => string): Array<V | null> {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

function groupedBy<V>(keys: readonly string[], rows: V[], keyOf: (row: V) => string): V[][] {
  const groups = new Map<string, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createPaymentLoaders({ payments, invoices }: PaymentsServices): PaymentLoaders {
  return {
    paymentById: new DataLoader(async (ids) => byKey(ids, await payments.findByIds(ids), (row) => row.id)),
    paymentByOrderId: new DataLoader(async (orderIds) => byKey(orderIds, await payments.findByOrderIds(orderIds), (row) => row.orderId)),
    refundsByPaymentId: new DataLoader(async (ids) => groupedBy(ids, await payments.refundsOf(ids), (row) => row.paymentId)),
    invoiceByOrderId: new DataLoader(async (orderIds) => byKey(orderIds, await invoices.findByOrderIds(orderIds), (row) => row.orderId)),
  };
}
