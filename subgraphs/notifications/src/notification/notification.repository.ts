import { newestFirstPage } from "@cartograph/service-kit/db";
import type { PageRequest } from "@cartograph/service-kit/graphql";
import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { NotificationsExecutor } from "../db";
import { notifications, type NotificationRow } from "../db/schema";

export type NewNotification = Omit<typeof notifications.$inferInsert, "createdAt" | "readAt">;

export interface NotificationFilter {
  userId: string;
  unreadOnly: boolean;
}

/** The queries of in-app notifications; writes run in the caller's transaction. */
export class NotificationRepository {
  constructor(private readonly db: NotificationsExecutor) {}

  /** The row written, or null when this event's notification of this topic for this user exists already. */
  async insert(tx: NotificationsExecutor, notification: NewNotification): Promise<NotificationRow | null> {
    const [row] = await tx
      .insert(notifications)
      .values(notification)
      .onConflictDoNothing({ target: [notifications.eventId, notifications.topic, notifications.userId] })
      .returning();
    return row ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<NotificationRow[]> {
    return this.db
      .select()
      .from(notifications)
      .where(inArray(notifications.id, [...ids]));
  }

  /** Newest first; keyset on (created_at, id). */
  async list(filter: NotificationFilter, page: PageRequest): Promise<NotificationRow[]> {
    const keyset = newestFirstPage(notifications.createdAt, notifications.id, page);
    return this.db
      .select()
      .from(notifications)
      .where(and(this.matching(filter), keyset.where))
      .orderBy(...keyset.orderBy)
      .limit(page.limit + 1);
  }

  async count(filter: NotificationFilter): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(notifications).where(this.matching(filter));
    return row?.n ?? 0;
  }

  /** Unread counts of many users in one query; users with none are absent. */
  async unreadCounts(userIds: readonly string[]): Promise<Array<{ userId: string; n: number }>> {
    return this.db
      .select({ userId: notifications.userId, n: count() })
      .from(notifications)
      .where(and(inArray(notifications.userId, [...userIds]), isNull(notifications.readAt)))
      .groupBy(notifications.userId);
  }

  /** Marks the user's own unread notifications among `ids`; returns how many changed. */
  async markRead(userId: string, ids: readonly string[] | "all"): Promise<number> {
    const rows = await this.db
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(
        and(
          eq(notifications.userId, userId),
          isNull(notifications.readAt),
          ids === "all" ? undefined : inArray(notifications.id, [...ids]),
        ),
      )
      .returning({ id: notifications.id });
    return rows.length;
  }

  private matching(filter: NotificationFilter) {
    return and(eq(notifications.userId, filter.userId), filter.unreadOnly ? isNull(notifications.readAt) : undefined);
  }
}
