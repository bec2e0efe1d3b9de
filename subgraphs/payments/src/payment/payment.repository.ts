import { and, asc, count, eq, inArray, isNotNull, ne, or, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { PaymentsExecutor } from "../db";
import { payments, refunds, type PaymentRow, type PaymentStatusValue, type RefundRow } from "../db/schema";
import type { CardSummary } from "../gateway/payment-gateway";

export type NewPaymentIntent = Pick<
  typeof payments.$inferInsert,
  "id" | "orderId" | "userId" | "amount" | "currencyCode" | "paymentToken" | "lines"
>;
export type NewRefund = typeof refunds.$inferInsert;

/** The queries of payments and their refunds; writes run in the caller's transaction. */
export class PaymentRepository {
  constructor(private readonly db: PaymentsExecutor) {}

  async findByIds(ids: readonly string[]): Promise<PaymentRow[]> {
    return this.db
      .select()
      .from(payments)
      .where(inArray(payments.id, [...ids]));
  }

  async findByOrderIds(orderIds: readonly string[]): Promise<PaymentRow[]> {
    return this.db
      .select()
      .from(payments)
      .where(inArray(payments.orderId, [...orderIds]));
  }

  /** Every payment of one user, oldest first (a customer's data export). */
  async allOfUser(tx: PaymentsExecutor, userId: string): Promise<PaymentRow[]> {
    return tx
      .select()
      .from(payments)
      .where(eq(payments.userId, userId))
      .orderBy(asc(payments.createdAt), asc(payments.id));
  }

  /**
   * Erasure: the user's payments lose their card's last four digits, and any token a settled
   * payment still held. A PENDING intent keeps its token: the saga still needs it to charge or
   * cancel the order, and drops it then. Returns how many payments changed now.
   */
  async anonymiseOfUser(tx: PaymentsExecutor, userId: string): Promise<number> {
    const settledToken = and(isNotNull(payments.paymentToken), ne(payments.status, "PENDING"));
    const changed = await tx
      .update(payments)
      .set({
        cardLast4: null,
        paymentToken: sql`case when ${payments.status} = 'PENDING' then ${payments.paymentToken} end`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(payments.userId, userId), or(isNotNull(payments.cardLast4), settledToken)))
      .returning({ id: payments.id });
    return changed.length;
  }

  /** Refunds of many payments in one query, oldest first. */
  async refundsOf(paymentIds: readonly string[], tx: PaymentsExecutor = this.db): Promise<RefundRow[]> {
    return tx
      .select()
      .from(refunds)
      .where(inArray(refunds.paymentId, [...paymentIds]))
      .orderBy(asc(refunds.createdAt), asc(refunds.id));
  }

  /** True when recorded; false when the order already has a payment (a redelivered `order.placed`). */
  async insertIntent(tx: PaymentsExecutor, intent: NewPaymentIntent): Promise<boolean> {
    const rows = await tx
      .insert(payments)
      .values({ ...intent, status: "PENDING" })
      .onConflictDoNothing({ target: payments.orderId })
      .returning({ id: payments.id });
    return rows.length === 1;
  }

  /** Locks the order's payment until the transaction ends: charges and refunds of it take turns. */
  async lockByOrderId(tx: PaymentsExecutor, orderId: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(eq(payments.orderId, orderId)).for("update");
    return row;
  }

  async lockById(tx: PaymentsExecutor, id: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(eq(payments.id, id)).for("update");
    return row;
  }

  // The token is single-use: once the intent leaves PENDING it is never needed again.
  async markSucceeded(
    tx: PaymentsExecutor,
    id: string,
    charge: { chargeId: string; card: CardSummary },
  ): Promise<PaymentRow> {
    return this.update(tx, id, {
      status: "SUCCEEDED",
      gatewayChargeId: charge.chargeId,
      cardBrand: charge.card.brand,
      cardLast4: charge.card.last4,
      paidAt: sql`now()`,
      paymentToken: null,
    });
  }

  async markFailed(tx: PaymentsExecutor, id: string, reason: string): Promise<PaymentRow> {
    return this.update(tx, id, { status: "FAILED", failureReason: reason, paymentToken: null });
  }

  async markCancelled(tx: PaymentsExecutor, id: string): Promise<PaymentRow> {
    return this.update(tx, id, { status: "CANCELLED", paymentToken: null });
  }

  async recordRefunded(
    tx: PaymentsExecutor,
    id: string,
    refundedAmount: number,
    status: PaymentStatusValue,
  ): Promise<PaymentRow> {
    return this.update(tx, id, { refundedAmount, status });
  }

  async countRefunds(tx: PaymentsExecutor, paymentId: string): Promise<number> {
    const [row] = await tx.select({ n: count() }).from(refunds).where(eq(refunds.paymentId, paymentId));
    return row?.n ?? 0;
  }

  async insertRefund(tx: PaymentsExecutor, refund: NewRefund): Promise<RefundRow> {
    const [row] = await tx.insert(refunds).values(refund).returning();
    return row!;
  }

  private async update(
    tx: PaymentsExecutor,
    id: string,
    changes: PgUpdateSetSource<typeof payments>,
  ): Promise<PaymentRow> {
    const [row] = await tx
      .update(payments)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(payments.id, id))
      .returning();
    return row!;
  }
}
