import { inArray, sql } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { notificationPreferences, type NotificationPreferenceRow } from "../db/schema";
import type { PreferenceSetting } from "./preference.rules";

/** Customers' stored choices (defaults are not stored); writes run in the caller's transaction. */
export class PreferenceRepository {
  constructor(private readonly db: NotificationsExecutor) {}

  async ofUsers(userIds: readonly string[], tx: NotificationsExecutor = this.db): Promise<NotificationPreferenceRow[]> {
    return tx
      .select()
      .from(notificationPreferences)
      .where(inArray(notificationPreferences.userId, [...userIds]));
  }

  async save(tx: NotificationsExecutor, userId: string, changes: readonly PreferenceSetting[]): Promise<void> {
    await tx
      .insert(notificationPreferences)
      .values(changes.map((change) => ({ userId, ...change })))
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.kind, notificationPreferences.channel],
        set: { enabled: sql`excluded.enabled`, updatedAt: sql`now()` },
      });
  }
}
