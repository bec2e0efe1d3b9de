import { PageArgs, SignedInOnly } from "@cartograph/service-kit/graphql";
import { Args, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { NotificationsContext } from "../context";
import { NotificationConnection, NotificationPageArgs } from "../notification/notification.type";
import type { PreferenceSetting } from "../preference/preference.rules";
import { NotificationPreference } from "../preference/preference.type";
import { WishlistItemConnection } from "../wishlist/wishlist.type";
import { requireSelf } from "./user.rules";
import { User } from "./user.stub";

@Resolver(() => User)
export class UserNotificationsResolver {
  @SignedInOnly()
  @FieldResolver(() => NotificationConnection, {
    description: "(self) This user's in-app notifications, newest first.",
  })
  notifications(
    @Root() user: User,
    @Args(() => NotificationPageArgs) args: NotificationPageArgs,
    @Ctx() ctx: NotificationsContext,
  ) {
    requireSelf(ctx.viewer, user.id);
    return ctx.services.notifications.listNotifications(user.id, args);
  }

  @SignedInOnly()
  @FieldResolver(() => Int, { description: "(self) How many of this user's notifications are unread." })
  unreadNotificationCount(@Root() user: User, @Ctx() ctx: NotificationsContext): Promise<number> {
    requireSelf(ctx.viewer, user.id);
    return ctx.loaders.unreadCountByUserId.load(user.id);
  }

  @SignedInOnly()
  @FieldResolver(() => [NotificationPreference], {
    description: "(self) Every kind of notification on every channel, with the defaults for those never changed.",
  })
  notificationPreferences(@Root() user: User, @Ctx() ctx: NotificationsContext): Promise<PreferenceSetting[]> {
    requireSelf(ctx.viewer, user.id);
    return ctx.loaders.preferencesByUserId.load(user.id);
  }

  @SignedInOnly()
  @FieldResolver(() => WishlistItemConnection, {
    description: "(self) What this user wants to hear about (price drops, back in stock), most recently added first.",
  })
  wishlist(@Root() user: User, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: NotificationsContext) {
    requireSelf(ctx.viewer, user.id);
    return ctx.services.wishlists.list(user.id, args);
  }
}
