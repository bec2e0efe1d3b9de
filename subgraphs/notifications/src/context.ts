import type { RequestContext } from "@cartograph/service-kit/server";
import type { NotificationLoaders } from "./notification/notification.loaders";
import type { NotificationService } from "./notification/notification.service";
import type { PreferenceService } from "./preference/preference.service";
import type { WishlistService } from "./wishlist/wishlist.service";

/** The domain services resolvers call, one per bounded context. */
export interface NotificationsServiceRegistry {
  notifications: NotificationService;
  preferences: PreferenceService;
  wishlists: WishlistService;
}

export interface NotificationsContext extends RequestContext {
  services: NotificationsServiceRegistry;
  loaders: NotificationLoaders;
}
