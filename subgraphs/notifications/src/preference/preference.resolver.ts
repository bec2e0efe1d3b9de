import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload } from "@cartograph/service-kit/graphql";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { NotificationsContext } from "../context";
import {
  NotificationPreference,
  NotificationPreferenceInput,
  NotificationPreferencesPayload,
  UnsubscribePayload,
} from "./preference.type";

@Resolver(() => NotificationPreference)
export class PreferenceResolver {
  @Authorized()
  @Mutation(() => NotificationPreferencesPayload, {
    description: "(signed in) Switches kinds of notifications on or off, per channel, for the viewer.",
  })
  async updateNotificationPreferences(
    @Arg("preferences", () => [NotificationPreferenceInput]) preferences: NotificationPreferenceInput[],
    @Ctx() ctx: NotificationsContext,
  ) {
    const viewer = requireViewer(ctx.viewer);
    return toPayload(
      "notificationPreferences",
      await ctx.services.preferences.updatePreferences(viewer.userId, preferences),
    );
  }

  @Mutation(() => UnsubscribePayload, {
    description:
      "(anyone) Switches off the emails an unsubscribe link is for. The link's signed token is the only credential: it works signed out, and expires.",
  })
  async unsubscribe(@Arg("token", () => String) token: string, @Ctx() ctx: NotificationsContext) {
    return toPayload("notificationPreference", await ctx.services.preferences.unsubscribe(token));
  }
}
