import { rowsByKey, rowsGroupedByKey } from "@cartograph/service-kit";
import DataLoader from "dataloader";
import type { InvoiceRow, PaymentRow, RefundRow } from "../db/schema";
import type { InvoiceRepository } from "../invoice/invoice.repository";
import type { PaymentRepository } from "./payment.repository";

export interface PaymentLoaders {
  paymentById: DataLoader<string, PaymentRow | null>;
  /** Null for an order payments has never heard of. */
  paymentByOrderId: DataLoader<string, PaymentRow | null>;
  refundsByPaymentId: DataLoader<string, RefundRow[]>;
  invoiceByOrderId: DataLoader<string, InvoiceRow | null>;
}

/** Per request: one query per entity type however many references a query plan sends. */
export function createPaymentLoaders({
  payments,
  invoices,
}: {
  payments: PaymentRepository;
  invoices: InvoiceRepository;
}): PaymentLoaders {
  return {
    paymentById: new DataLoader(async (ids) => rowsByKey(ids, await payments.findByIds(ids), (row) => row.id)),
    paymentByOrderId: new DataLoader(async (orderIds) =>
      rowsByKey(orderIds, await payments.findByOrderIds(orderIds), (row) => row.orderId),
    ),
    refundsByPaymentId: new DataLoader(async (ids) =>
      rowsGroupedByKey(ids, await payments.refundsOf(ids), (row) => row.paymentId),
    ),
    invoiceByOrderId: new DataLoader(async (orderIds) =>
      rowsByKey(orderIds, await invoices.findByOrderIds(orderIds), (row) => row.orderId),
    ),
  };
}
