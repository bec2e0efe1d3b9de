import { and, eq, sql } from "drizzle-orm";
import type { PaymentsDb } from "../db";
import { testGatewayCharges, testGatewayRefunds } from "../db/schema";

export type TestChargeRecord = typeof testGatewayCharges.$inferSelect;
export type TestRefundRecord = typeof testGatewayRefunds.$inferSelect;

export interface RefundAttempt {
  idempotencyKey: string;
  id: string;
  chargeId: string;
  amount: number;
  currencyCode: string;
}

/**
 * The test gateway's bookkeeping. It runs on its own connections, outside the caller's
 * transaction: what a gateway did stays done when our transaction rolls back, as with a real one.
 */
export class TestGatewayLedger {
  constructor(private readonly db: PaymentsDb) {}

  /** Records a charge attempt under its key, or returns the attempt already recorded under it. */
  async recordCharge(attempt: typeof testGatewayCharges.$inferInsert): Promise<TestChargeRecord> {
    const [inserted] = await this.db.insert(testGatewayCharges).values(attempt).onConflictDoNothing().returning();
    if (inserted) return inserted;
    const [first] = await this.db
      .select()
      .from(testGatewayCharges)
      .where(eq(testGatewayCharges.idempotencyKey, attempt.idempotencyKey));
    return first!;
  }

  /** Refunds part of a charge once per key, never beyond what the charge captured. */
  async recordRefund(attempt: RefundAttempt): Promise<TestRefundRecord> {
    return this.db.transaction(async (tx) => {
      // Serialises refunds of one charge, so two at once cannot both fit in what is left.
      const [charge] = await tx
        .select()
        .from(testGatewayCharges)
        .where(and(eq(testGatewayCharges.id, attempt.chargeId), eq(testGatewayCharges.outcome, "succeeded")))
        .for("update");
      const [first] = await tx
        .select()
        .from(testGatewayRefunds)
        .where(eq(testGatewayRefunds.idempotencyKey, attempt.idempotencyKey));
      if (first) return first;

      const refunded = charge ? await this.refundedOf(tx, charge.id) : 0;
      const failure = !charge
        ? "No such charge."
        : charge.currencyCode !== attempt.currencyCode
          ? "The refund's currency differs from the charge's."
          : refunded + attempt.amount > charge.amount
            ? "The refund exceeds what is left of the charge."
            : null;
      const [record] = await tx
        .insert(testGatewayRefunds)
        .values({ ...attempt, outcome: failure ? "failed" : "succeeded", failureMessage: failure })
        .returning();
      return record!;
    });
  }

  private async refundedOf(tx: Pick<PaymentsDb, "select">, chargeId: string): Promise<number> {
    const [row] = await tx
      .select({ total: sql<string>`coalesce(sum(${testGatewayRefunds.amount}), 0)` })
      .from(testGatewayRefunds)
      .where(and(eq(testGatewayRefunds.chargeId, chargeId), eq(testGatewayRefunds.outcome, "succeeded")));
    return Number(row?.total ?? 0);
  }
}
