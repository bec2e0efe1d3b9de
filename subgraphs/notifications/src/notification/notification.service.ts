import {
  buildConnection,
  lazy,
  parsePageArgs,
  type PageArgsInput,
  refuse,
  succeed,
  userError,
  UserErrorCode,
  type Connection,
  type Outcome,
} from "@cartograph/service-kit/graphql";
import type { NotificationsDb } from "../db";
import type { NotificationRow } from "../db/schema";
import { NotificationRepository } from "./notification.repository";

/** At most this many ids per `markNotificationsRead`: a page's worth. */
export const MAX_MARK_IDS = 100;

export interface MarkedRead {
  markedCount: number;
  unreadNotificationCount: number;
}

/** A customer's in-app notifications: listing and marking read. Owners are checked by resolvers. */
export class NotificationService {
  private readonly notifications: NotificationRepository;

  constructor(db: NotificationsDb) {
    this.notifications = new NotificationRepository(db);
  }

  async listNotifications(
    userId: string,
    args: PageArgsInput & { unreadOnly?: boolean | null },
  ): Promise<Connection<NotificationRow>> {
    const page = parsePageArgs(args, 2);
    const filter = { userId, unreadOnly: args.unreadOnly ?? false };
    const rows = await this.notifications.list(filter, page);
    return buildConnection(
      rows,
      page,
      lazy(() => this.notifications.count(filter)),
      (row) => [row.createdAt.toISOString(), row.id],
    );
  }

  /** Marks the user's own notifications among `ids`; ids of others' or unknown ones change nothing. */
  async markRead(userId: string, ids: readonly string[]): Promise<Outcome<MarkedRead>> {
    if (ids.length > MAX_MARK_IDS)
      return refuse(userError(UserErrorCode.INVALID, `Give at most ${MAX_MARK_IDS} ids at once.`, ["ids"]));
    return succeed(await this.marked(userId, ids.length === 0 ? 0 : await this.notifications.markRead(userId, ids)));
  }

  async markAllRead(userId: string): Promise<Outcome<MarkedRead>> {
    return succeed(await this.marked(userId, await this.notifications.markRead(userId, "all")));
  }

  private async marked(userId: string, markedCount: number): Promise<MarkedRead> {
    return { markedCount, unreadNotificationCount: await this.notifications.count({ userId, unreadOnly: true }) };
  }
}
