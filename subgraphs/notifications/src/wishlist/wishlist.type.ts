import { ConnectionType, UserError } from "@cartograph/service-kit/graphql";
import { ArgsType, Field, ID, ObjectType } from "type-graphql";
import { Product } from "../product/product.stub";
import { ProductVariant } from "../product/product-variant.stub";

@ObjectType({
  description: "Something a customer wants to hear about: a variant, or a whole product (any of its variants).",
})
export class WishlistItem {
  @Field(() => ID) id!: string;
  @Field(() => Date) addedAt!: Date;
  @Field(() => Product, { description: "Resolved by products (name, variants) and inventory (stock)." })
  product!: Product;
  @Field(() => ProductVariant, { nullable: true, description: "The variant, or null for the whole product." })
  variant!: ProductVariant | null;
}

@ObjectType()
export class WishlistItemConnection extends ConnectionType(WishlistItem, "WishlistItem") {}

@ObjectType()
export class AddToWishlistPayload {
  @Field(() => WishlistItem, { nullable: true, description: "The item added, or the one already there." })
  wishlistItem!: WishlistItem | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RemoveFromWishlistPayload {
  @Field(() => WishlistItem, { nullable: true, description: "The item removed." })
  wishlistItem!: WishlistItem | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

/** What both mutations take: exactly one of the two (the service refuses otherwise, as a user error). */
@ArgsType()
export class WishlistTargetArgs {
  @Field(() => ID, { nullable: true }) productId?: string | null;
  @Field(() => ID, { nullable: true }) variantId?: string | null;
}
