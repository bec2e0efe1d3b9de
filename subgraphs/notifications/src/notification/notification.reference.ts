import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { NotificationsContext } from "../context";
import type { NotificationRow } from "../db/schema";
import { requireSelf } from "../user/user.rules";

export const notificationReferenceResolvers: ReferenceResolvers = {
  // Reached through the router's `notificationAdded`: the customer's own, like `me { notifications }`.
  Notification: {
    __resolveReference: async (
      reference: { id: string },
      context: NotificationsContext,
    ): Promise<NotificationRow | null> => {
      const notification = await context.loaders.notificationById.load(reference.id);
      if (notification) requireSelf(context.viewer, notification.userId);
      return notification;
    },
  },
};
