import { buildFederatedSchema } from "@cartograph/service-kit/graphql";
import type { GraphQLSchema } from "graphql";
import { notificationReferenceResolvers } from "./notification/notification.reference";
import { NotificationResolver } from "./notification/notification.resolver";
import { PreferenceResolver } from "./preference/preference.resolver";
import { UserNotificationsResolver } from "./user/user.resolver";
import { User } from "./user/user.stub";
import { WishlistResolver } from "./wishlist/wishlist.resolver";

export function buildNotificationsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [NotificationResolver, PreferenceResolver, UserNotificationsResolver, WishlistResolver],
    // No root field returns a User here: the router reaches it through _entities (`me`, `user`).
    orphanedTypes: [User],
    referenceResolvers: notificationReferenceResolvers,
  });
}
