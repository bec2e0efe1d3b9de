import { requireViewer } from "@cartograph/service-kit/auth";
import { Authorized, toPayload } from "@cartograph/service-kit/graphql";
import { Args, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { NotificationsContext } from "../context";
import type { WishlistItemRow } from "../db/schema";
import { Product } from "../product/product.stub";
import { ProductVariant } from "../product/product-variant.stub";
import { AddToWishlistPayload, RemoveFromWishlistPayload, WishlistItem, WishlistTargetArgs } from "./wishlist.type";

@Resolver(() => WishlistItem)
export class WishlistResolver {
  @Authorized()
  @Mutation(() => AddToWishlistPayload, {
    description:
      "(signed in) Adds a variant (variantId) or a whole product (productId) to the viewer's wishlist: exactly one of the two. Adding what is there already returns it.",
  })
  async addToWishlist(@Args(() => WishlistTargetArgs) args: WishlistTargetArgs, @Ctx() ctx: NotificationsContext) {
    const viewer = requireViewer(ctx.viewer);
    return toPayload("wishlistItem", await ctx.services.wishlists.add(viewer.userId, args));
  }

  @Authorized()
  @Mutation(() => RemoveFromWishlistPayload, {
    description:
      "(signed in) Removes the viewer's wishlist item for this variant (variantId) or whole product (productId): exactly one of the two.",
  })
  async removeFromWishlist(@Args(() => WishlistTargetArgs) args: WishlistTargetArgs, @Ctx() ctx: NotificationsContext) {
    const viewer = requireViewer(ctx.viewer);
    return toPayload("wishlistItem", await ctx.services.wishlists.remove(viewer.userId, args));
  }

  @FieldResolver(() => Product)
  product(@Root() item: WishlistItemRow): Product {
    return { id: item.productId };
  }

  @FieldResolver(() => ProductVariant, { nullable: true })
  variant(@Root() item: WishlistItemRow): ProductVariant | null {
    return item.variantId ? { id: item.variantId } : null;
  }
}
