import { requireOwnerOrAdmin } from "@cartograph/service-kit/auth";
import type { ReferenceResolvers } from "@cartograph/service-kit/graphql";
import type { NotificationsContext } from "../context";
import type { NotificationRow } from "../db/schema";

export const notificationReferenceResolvers: ReferenceResolvers = {
  // Reached through the router's `notificationAdded`: the customer's own, or an admin's view.
  Notification: {
    __resolveReference: async (
      reference: { id: string },
      context: NotificationsContext,
    ): Promise<NotificationRow | null> => {
      const notification = await context.loaders.notificationById.load(reference.id);
      if (notification) requireOwnerOrAdmin(context.viewer, notification.userId);
      return notification;
    },
  },
};
