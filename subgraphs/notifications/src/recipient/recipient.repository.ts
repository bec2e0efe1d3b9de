import { eq } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { recipients, type RecipientRow } from "../db/schema";

/** Addresses and names from `user.registered`; writes run in the caller's transaction. */
export class RecipientRepository {
  constructor(private readonly db: NotificationsExecutor) {}

  async find(userId: string, tx: NotificationsExecutor = this.db): Promise<RecipientRow | undefined> {
    const [row] = await tx.select().from(recipients).where(eq(recipients.userId, userId));
    return row;
  }

  /** The latest announcement wins: a replayed registration changes nothing. */
  async save(tx: NotificationsExecutor, recipient: { userId: string; email: string; name: string }): Promise<void> {
    await tx
      .insert(recipients)
      .values(recipient)
      .onConflictDoUpdate({ target: recipients.userId, set: { email: recipient.email, name: recipient.name } });
  }
}
