import DataLoader from "dataloader";
import { effectivePreferences, type PreferenceSetting } from "../preference/preference.rules";
import type { PreferenceRepository } from "../preference/preference.repository";
import type { NotificationRow } from "../db/schema";
import type { NotificationRepository } from "./notification.repository";

export interface NotificationLoaders {
  notificationById: DataLoader<string, NotificationRow | null>;
  unreadCountByUserId: DataLoader<string, number>;
  /** Every kind on every channel, defaults filled in. */
  preferencesByUserId: DataLoader<string, PreferenceSetting[]>;
}

/** Per request: one query per field however many users a query plan sends. */
export function createNotificationLoaders({
  notifications,
  preferences,
}: {
  notifications: NotificationRepository;
  preferences: PreferenceRepository;
}): NotificationLoaders {
  return {
    notificationById: new DataLoader(async (ids) => {
      const byId = new Map((await notifications.findByIds(ids)).map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    unreadCountByUserId: new DataLoader(async (userIds) => {
      const counts = new Map((await notifications.unreadCounts(userIds)).map((row) => [row.userId, row.n]));
      return userIds.map((id) => counts.get(id) ?? 0);
    }),
    preferencesByUserId: new DataLoader(async (userIds) => {
      const rows = await preferences.ofUsers(userIds);
      return userIds.map((id) => effectivePreferences(rows.filter((row) => row.userId === id)));
    }),
  };
}
