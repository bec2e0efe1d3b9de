import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload, type Outcome } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { NotificationsContext } from "../context";
import type { NotificationRow } from "../db/schema";
import { Order } from "../order/order.stub";
import type { MarkedRead } from "./notification.service";
import { MarkNotificationsReadPayload, Notification } from "./notification.type";

@Resolver(() => Notification)
export class NotificationResolver {
  @Authorized()
  @Mutation(() => MarkNotificationsReadPayload, {
    description: "(signed in) Marks the viewer's notifications with these ids read; others' ids change nothing.",
  })
  async markNotificationsRead(@Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: NotificationsContext) {
    const viewer = requireViewer(ctx.viewer);
    return unwrap(await ctx.services.notifications.markRead(viewer.userId, ids));
  }

  @Authorized()
  @Mutation(() => MarkNotificationsReadPayload, {
    description: "(signed in) Marks every notification of the viewer read.",
  })
  async markAllNotificationsRead(@Ctx() ctx: NotificationsContext) {
    const viewer = requireViewer(ctx.viewer);
    return unwrap(await ctx.services.notifications.markAllRead(viewer.userId));
  }

  @FieldResolver(() => Order, { nullable: true })
  order(@Root() notification: NotificationRow): Order | null {
    return notification.orderId ? { id: notification.orderId } : null;
  }

  @FieldResolver(() => Boolean)
  read(@Root() notification: NotificationRow): boolean {
    return notification.readAt !== null;
  }
}

/** The payload's two counts side by side rather than nested under one result field. */
function unwrap(outcome: Outcome<MarkedRead>): MarkNotificationsReadPayload {
  const payload = toPayload("marked", outcome);
  return {
    markedCount: payload.marked?.markedCount ?? null,
    unreadNotificationCount: payload.marked?.unreadNotificationCount ?? null,
    userErrors: payload.userErrors,
  };
}
