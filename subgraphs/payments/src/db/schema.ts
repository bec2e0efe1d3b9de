import { createdAtColumn } from "@cartograph/service-kit/db";
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
export { outboxEvents, processedEvents } from "@cartograph/events/postgres";

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
// Totals are quantity x price sums: int4 would overflow at $21M, so amounts are int8 (still exact in a JS number).
const minorUnits = (name: string) => bigint(name, { mode: "number" });

/** CANCELLED is internal: the order never reached payment (out of stock); the API never shows it. */
export const PAYMENT_STATUSES = [
  "PENDING",
  "SUCCEEDED",
  "FAILED",
  "REFUNDED",
  "PARTIALLY_REFUNDED",
  "CANCELLED",
] as const;
export type PaymentStatusValue = (typeof PAYMENT_STATUSES)[number];

/** An order line as `order.placed` announced it; prices in minor units of the payment's currency. */
export interface PaymentLineRecord {
  variantId: string;
  productId: string;
  quantity: number;
  unitPrice: number;
}

/**
 * One payment per order: the intent recorded from `order.placed`, then the charge's outcome.
 * The row is the lock that serialises everything done to one order's money (charge, refunds).
 */
export const payments = pgTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    /** The order's owner: who may see this payment besides admins. */
    userId: text("user_id").notNull(),
    amount: minorUnits("amount").notNull(),
    currencyCode: text("currency_code").notNull(),
    status: text("status").$type<PaymentStatusValue>().notNull(),
    /** The gateway's single-use token; nulled once used or no longer needed. */
    paymentToken: text("payment_token"),
    lines: jsonb("lines").$type<PaymentLineRecord[]>().notNull(),
    gatewayChargeId: text("gateway_charge_id"),
    cardBrand: text("card_brand"),
    cardLast4: text("card_last4"),
    failureReason: text("failure_reason"),
    refundedAmount: minorUnits("refunded_amount").notNull().default(0),
    createdAt: createdAtColumn(),
    /** When the charge succeeded. */
    paidAt: timestamptz("paid_at"),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("payments_order_id_key").on(table.orderId),
    check("payments_amount_positive", sql`${table.amount} > 0`),
    // The last line of defence against refunding more than was paid, whatever the code does.
    check(
      "payments_refunded_within_amount",
      sql`${table.refundedAmount} >= 0 and ${table.refundedAmount} <= ${table.amount}`,
    ),
    check(
      "payments_status_known",
      sql`${table.status} in ('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'CANCELLED')`,
    ),
  ],
);

export const refunds = pgTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id")
      .notNull()
      .references(() => payments.id),
    amount: minorUnits("amount").notNull(),
    currencyCode: text("currency_code").notNull(),
    reason: text("reason"),
    gatewayRefundId: text("gateway_refund_id").notNull(),
    /** Who asked for it (an admin's user id), for the audit trail. */
    actor: text("actor").notNull(),
    createdAt: createdAtColumn(),
  },
  (table) => [
    index("refunds_payment_idx").on(table.paymentId, table.createdAt),
    check("refunds_amount_positive", sql`${table.amount} > 0`),
  ],
);

export interface InvoiceLineRecord {
  variantId: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

/** Issued when a payment succeeds, in the same transaction; numbers come from `invoice_counters`. */
export const invoices = pgTable(
  "invoices",
  {
    number: text("number").primaryKey(),
    paymentId: text("payment_id")
      .notNull()
      .references(() => payments.id),
    orderId: text("order_id").notNull(),
    lines: jsonb("lines").$type<InvoiceLineRecord[]>().notNull(),
    total: minorUnits("total").notNull(),
    currencyCode: text("currency_code").notNull(),
    issuedAt: timestamptz("issued_at").notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("invoices_payment_id_key").on(table.paymentId),
    uniqueIndex("invoices_order_id_key").on(table.orderId),
  ],
);

/**
 * Gap-free numbering: a row bumped inside the issuing transaction. A sequence would leave a
 * gap on every rollback, and tax authorities expect invoice numbers without holes.
 */
export const invoiceCounters = pgTable("invoice_counters", {
  name: text("name").primaryKey(),
  lastNumber: integer("last_number").notNull(),
});

/**
 * The test gateway's own ledger (not ours): what it charged per idempotency key, so a retried
 * charge returns the first result even after a restart, like a real gateway's.
 */
export const testGatewayCharges = pgTable(
  "test_gateway_charges",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    id: text("id").notNull(),
    outcome: text("outcome").$type<"succeeded" | "declined">().notNull(),
    amount: minorUnits("amount").notNull(),
    currencyCode: text("currency_code").notNull(),
    cardBrand: text("card_brand"),
    cardLast4: text("card_last4"),
    declineCode: text("decline_code"),
    declineMessage: text("decline_message"),
    createdAt: createdAtColumn(),
  },
  (table) => [
    uniqueIndex("test_gateway_charges_id_key").on(table.id),
    check("test_gateway_charges_outcome_known", sql`${table.outcome} in ('succeeded', 'declined')`),
  ],
);

export const testGatewayRefunds = pgTable(
  "test_gateway_refunds",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    id: text("id").notNull(),
    chargeId: text("charge_id").notNull(),
    outcome: text("outcome").$type<"succeeded" | "failed">().notNull(),
    amount: minorUnits("amount").notNull(),
    currencyCode: text("currency_code").notNull(),
    failureMessage: text("failure_message"),
    createdAt: createdAtColumn(),
  },
  (table) => [
    index("test_gateway_refunds_charge_idx").on(table.chargeId),
    check("test_gateway_refunds_outcome_known", sql`${table.outcome} in ('succeeded', 'failed')`),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
