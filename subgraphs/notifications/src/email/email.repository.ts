import { and, eq, lte, sql } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { emailDeliveries, recipients, type EmailDeliveryRow } from "../db/schema";

export type NewEmailDelivery = Pick<
  typeof emailDeliveries.$inferInsert,
  "id" | "userId" | "topic" | "eventId" | "subject" | "textBody" | "htmlBody" | "unsubscribeUrl"
>;

/** The email outbox: queued in the consumer's transaction, claimed and settled by the sender. */
export class EmailRepository {
  /** False when this event's email of this topic to this user is queued already. */
  async enqueue(tx: NotificationsExecutor, delivery: NewEmailDelivery): Promise<boolean> {
    const rows = await tx
      .insert(emailDeliveries)
      .values(delivery)
      .onConflictDoNothing({ target: [emailDeliveries.eventId, emailDeliveries.topic, emailDeliveries.userId] })
      .returning({ id: emailDeliveries.id });
    return rows.length === 1;
  }

  /**
   * The oldest due email, locked until the transaction ends (`SKIP LOCKED`: replicas take different
   * ones), with its recipient's address if `user.registered` has been seen.
   */
  async claimNextDue(
    tx: NotificationsExecutor,
  ): Promise<{ delivery: EmailDeliveryRow; address: { email: string; name: string } | null } | undefined> {
    const [row] = await tx
      .select({ delivery: emailDeliveries, email: recipients.email, name: recipients.name })
      .from(emailDeliveries)
      .leftJoin(recipients, eq(recipients.userId, emailDeliveries.userId))
      .where(and(eq(emailDeliveries.status, "PENDING"), lte(emailDeliveries.nextAttemptAt, sql`now()`)))
      .orderBy(emailDeliveries.nextAttemptAt)
      .limit(1)
      .for("update", { of: emailDeliveries, skipLocked: true });
    if (!row) return undefined;
    return {
      delivery: row.delivery,
      address: row.email && row.name !== null ? { email: row.email, name: row.name } : null,
    };
  }

  async markSent(tx: NotificationsExecutor, id: string, sentTo: string): Promise<void> {
    await tx
      .update(emailDeliveries)
      .set({
        status: "SENT",
        sentTo,
        sentAt: sql`now()`,
        attempts: sql`${emailDeliveries.attempts} + 1`,
        lastError: null,
      })
      .where(eq(emailDeliveries.id, id));
  }

  /** Records a failed attempt: due again after `retryInMs`, or FAILED for good when `retryInMs` is null. */
  async markAttemptFailed(
    tx: NotificationsExecutor,
    id: string,
    error: string,
    retryInMs: number | null,
  ): Promise<void> {
    await tx
      .update(emailDeliveries)
      .set({
        attempts: sql`${emailDeliveries.attempts} + 1`,
        lastError: error,
        ...(retryInMs === null
          ? { status: "FAILED" as const }
          : { nextAttemptAt: sql`now() + make_interval(secs => ${retryInMs / 1000})` }),
      })
      .where(eq(emailDeliveries.id, id));
  }
}
